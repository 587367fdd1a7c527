/**
 * A server that sends a frame over the client's maxPayload does not make the
 * SDK buffer it: the socket closes (1009), the client reports the loss with a
 * code and reconnects by its policy, and the stream goes on.
 */
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { ControlPlaneEvents, ErrorCodes, type RetryInfo } from '@fleetwire/sdk';
import { until } from '../../../test-support/index.js';

let wss: WebSocketServer | null = null;
afterEach(() => new Promise<void>((r) => (wss ? (wss.clients.forEach((c) => c.terminate()), wss.close(() => r())) : r())));

it('a frame over maxPayload closes the socket, is reported, and the client reconnects and keeps receiving', async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss!.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  let connections = 0;
  wss.on('connection', (ws: WebSocket) => {
    connections++;
    // First connection: a 64 KB event (over the client's 1 KB limit). Later ones: a normal event.
    const data = connections === 1 ? { instanceId: 'i', level: 'info', message: 'x'.repeat(64 * 1024), timestamp: new Date().toISOString() } : { instanceId: 'i', level: 'info', message: 'ok', timestamp: new Date().toISOString() };
    ws.send(JSON.stringify({ event: 'instance:log', data }));
  });
  const c = new ControlPlaneEvents({ url: `ws://127.0.0.1:${port}`, maxPayload: 1024, backoff: { initialDelayMs: 10, maxDelayMs: 20 } });
  const retries: RetryInfo[] = [];
  const messages: string[] = [];
  c.on('reconnecting', (r) => retries.push(r));
  c.on('instance:log', (d) => messages.push(d.message));
  c.connect();
  await until(() => messages.length === 1, 'the next event after the reconnect');
  expect(messages).toEqual(['ok']);
  expect(connections).toBe(2);
  // `ws` closes locally with 1006 and names the cause, which the SDK passes on.
  const lost = retries.find((r) => r.error?.code === ErrorCodes.FW_CONNECTION_LOST)?.error;
  expect(lost?.message).toMatch(/Max payload size exceeded/);
  c.close();
});
