/**
 * backend.close() settles in bounded time whatever the peers do. A SIGTERMed
 * mock once waited for ever (the chaos test of issue 10 hung on it): io.close()
 * waits for its HTTP server to close, i.e. for every socket on the fleet port,
 * and a connection with a request still arriving, or an upgrade taken by nobody
 * during shutdown, never closed by itself.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startMockBackend, type MockBackend } from '../src/index.js';

let b: MockBackend | null = null;
const peers: Socket[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.destroy();
  await b?.close();
  b = null;
});

/** A raw connection to `port` that has written `text` and then stays silent. */
async function silentPeer(port: number, text: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  peers.push(socket);
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  await new Promise<void>((r) => socket.write(text, () => r()));
  return { socket, closed };
}

it('a request whose headers never finish does not hold close() open (the server ends that socket)', async () => {
  b = await startMockBackend({ ephemeral: true });
  // Half an HTTP request on the fleet port: Node counts it as active, so neither
  // closeIdleConnections() nor io.close() ends it; only its 60 s headers timeout would.
  const half = await silentPeer(b.fleetPort, 'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  const m = b;
  b = null;
  await m.close(); // the test's 20 s timeout is the bound: before the fix this took ≥ 60 s
  await half.closed;
  expect(half.socket.destroyed).toBe(true);
});

it('a silent upgraded connection that never reads does not hold close() open', async () => {
  b = await startMockBackend({ ephemeral: true, controlPlaneTokens: ['s3cret'] });
  const cp = b.endpoints.controlPlane!;
  // A complete upgrade, then the peer never reads again (its receive window fills with our close frame and pings).
  const peer = await silentPeer(cp.port, `GET /ws?token=s3cret HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  peer.socket.pause();
  const m = b;
  b = null;
  await m.close();
  peer.socket.resume(); // a paused socket sees no end: read what is left, then the close
  await peer.closed;
  expect(peer.socket.destroyed).toBe(true);
});
