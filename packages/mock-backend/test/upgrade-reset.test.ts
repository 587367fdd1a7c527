/**
 * A client that resets its TCP connection while the mock refuses its upgrade
 * (401 at the control-plane and vstats upgrades) ends that socket only. Node's
 * HTTP server drops its own error listener from upgraded sockets, so without
 * one of ours the reset surfaced as an uncaught ECONNRESET (seen in npm test
 * on Node 22, where the built-in WebSocket resets after reading the 401).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startMockBackend, type MockBackend } from '../src/index.js';

let b: MockBackend;
const uncaught: Error[] = [];
const onUncaught = (e: Error) => uncaught.push(e);

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  b = await startMockBackend({ ephemeral: true, controlPlaneTokens: ['s3cret'] });
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await b.close();
});

/** Sends an upgrade request with a bad token and resets the connection at once. */
function upgradeAndReset(port: number, path: string): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      // RST instead of FIN, once the request is out and the refusal is on its way.
      setImmediate(() => s.resetAndDestroy());
    });
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });
}

describe('upgrade refused, client resets', () => {
  it('200 resets during 401 refusals: no uncaught error, the server still serves', async () => {
    const cp = b.endpoints.controlPlane!;
    const vs = b.endpoints.vstats!;
    for (let i = 0; i < 100; i++) {
      await Promise.all([upgradeAndReset(cp.port, '/ws?token=bad'), upgradeAndReset(vs.port, '/ws/agent?token=bad')]);
    }
    expect(uncaught).toEqual([]);
    const ws = new WebSocket(`ws://127.0.0.1:${cp.port}/ws?token=s3cret`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.close();
  }, 60_000);
});
