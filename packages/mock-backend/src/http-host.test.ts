import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { listen, type HttpHost } from './http-host.js';

const hosts: HttpHost[] = [];
const clients: Socket[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const h of hosts.splice(0)) await h.close(0);
});

/** Sends a WebSocket upgrade request for `path` on a raw TCP socket and resolves once it is written. */
async function upgradeRequest(port: number, path: string): Promise<Socket> {
  const c = connect(port, '127.0.0.1');
  clients.push(c);
  c.on('error', () => undefined);
  await new Promise<void>((r) => c.once('connect', () => r()));
  c.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
  return c;
}

it('close() ends an upgraded socket that nobody closes: shutdown never waits on it for ever', async () => {
  const h = await listen(0);
  hosts.push(h);
  // A handler that takes the upgrade and then does nothing with it, like a
  // dialect server that was already closing when the request arrived.
  let taken: (() => void) | undefined;
  const wasTaken = new Promise<void>((r) => (taken = r));
  h.onUpgrade(() => (taken!(), true));
  const c = await upgradeRequest(h.port, '/stuck');
  await wasTaken;
  const peerClosed = new Promise<void>((r) => c.once('close', () => r()));

  // Before the fix the server's 'close' waited on this socket and close() never settled.
  await h.close(50);
  await peerClosed;
  expect(h.server.listening).toBe(false);
});

it('close() lets an upgraded socket finish its own close within the grace', async () => {
  const h = await listen(0);
  hosts.push(h);
  let socketOf: ((s: import('node:stream').Duplex) => void) | undefined;
  const upgraded = new Promise<import('node:stream').Duplex>((r) => (socketOf = r));
  h.onUpgrade((_req, socket) => (socketOf!(socket), true));
  const c = await upgradeRequest(h.port, '/owned');
  const server = await upgraded;
  let received = '';
  c.on('data', (d: Buffer) => (received += d.toString()));
  const peerClosed = new Promise<void>((r) => c.once('close', () => r()));

  // The owner says goodbye while close() waits; what it wrote reaches the peer.
  const closing = h.close(30_000);
  server.end('bye');
  await closing;
  await peerClosed;
  expect(received).toBe('bye');
});
