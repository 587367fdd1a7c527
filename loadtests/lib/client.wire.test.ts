/**
 * The framing proven on the wire: SocketIoClient over a raw `ws` WebSocket
 * against a real Socket.IO server (127.0.0.1, port 0), so the k6 fleet script's
 * protocol code is exercised where k6 itself is absent.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SocketIoClient } from './client.ts';
import { engineUrl } from './socketio.ts';
import type { AckResult } from './acks.ts';

/** Polls until `fn` returns truthy, or fails after `ms`. */
async function until<T>(fn: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Bare {
  url: string;
  received: { event: string; payload: unknown; auth: unknown; authorization?: string }[];
  close(): Promise<void>;
  io: Server;
}

/** A bare Socket.IO server with a `/fleet` namespace that checks the key and acks heartbeats. */
async function startBare(): Promise<Bare> {
  const http = createServer();
  const io = new Server(http, { pingInterval: 200, pingTimeout: 1000, transports: ['websocket'] });
  const received: Bare['received'] = [];
  const fleet = io.of('/fleet');
  fleet.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: string };
    if (auth.token === 'good-key') next();
    else next(new Error('invalid API key'));
  });
  fleet.on('connection', (socket) => {
    socket.on('heartbeat', (payload: unknown, ack?: (r: unknown) => void) => {
      received.push({ event: 'heartbeat', payload, auth: socket.handshake.auth, authorization: socket.handshake.headers.authorization });
      ack?.({ success: true });
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    io,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

function connect(url: string, token: string) {
  const ws = new WebSocket(engineUrl(url), { headers: { Authorization: `Bearer ${token}` } });
  const log = { connected: '', refused: '', pings: 0, errors: [] as string[], events: [] as unknown[] };
  const client = new SocketIoClient(
    { namespace: '/fleet', auth: { token, nodeId: 'node-1' }, send: (f) => ws.send(f), ackTimeoutMs: 2000 },
    {
      onConnect: (sid) => (log.connected = sid),
      onConnectError: (m) => (log.refused = m),
      onPing: () => log.pings++,
      onProtocolError: (c, m) => log.errors.push(`${c}: ${m}`),
      onEvent: (name, args, reply) => {
        log.events.push([name, ...args]);
        reply?.({ success: true });
      },
    },
  );
  ws.on('message', (data) => client.handleFrame(data.toString()));
  closers.push(() => ws.close());
  return { ws, client, log };
}

describe('SocketIoClient on the wire against a bare socket.io server', () => {
  it('connects, joins /fleet with auth, gets its heartbeat acked by id and answers pings', async () => {
    const srv = await startBare();
    closers.push(srv.close);
    const { client, log } = connect(srv.url, 'good-key');
    await until(() => log.connected);
    expect(client.state).toBe('connected');
    expect(client.open?.pingInterval).toBe(200);

    const results: AckResult[] = [];
    const ids = [0, 1, 2].map((i) => client.emit('heartbeat', { nodeId: 'node-1', seq: i }, (r) => results.push(r)));
    expect(ids).toEqual([0, 1, 2]);
    await until(() => results.length === 3);
    expect(results.map((r) => [r.id, r.timedOut, r.args])).toEqual([
      [0, false, [{ success: true }]],
      [1, false, [{ success: true }]],
      [2, false, [{ success: true }]],
    ]);
    expect(srv.received.map((r) => (r.payload as { seq: number }).seq)).toEqual([0, 1, 2]);
    expect(srv.received[0]?.auth).toEqual({ token: 'good-key', nodeId: 'node-1' });
    expect(srv.received[0]?.authorization).toBe('Bearer good-key');

    // pingInterval is 200 ms and pingTimeout 1 s: surviving several pings proves the pongs went back.
    await until(() => log.pings >= 4, 4000);
    const sockets = await srv.io.of('/fleet').fetchSockets();
    expect(sockets).toHaveLength(1);
    expect(log.errors).toEqual([]);
  });

  it('routes a server event with an ack id and sends the ack back', async () => {
    const srv = await startBare();
    closers.push(srv.close);
    const { log } = connect(srv.url, 'good-key');
    await until(() => log.connected);
    const [sock] = await srv.io.of('/fleet').fetchSockets();
    const reply = await sock!.timeout(2000).emitWithAck('start_instance', { rentalId: 'r1' });
    expect(reply).toEqual({ success: true });
    expect(log.events).toEqual([['start_instance', { rentalId: 'r1' }]]);
  });

  it('reports a refused key as a connect error, with the server message', async () => {
    const srv = await startBare();
    closers.push(srv.close);
    const { client, log } = connect(srv.url, 'bad-key');
    await until(() => log.refused);
    expect(log.refused).toBe('invalid API key');
    expect(client.state).toBe('refused');
    expect(() => client.emit('heartbeat', {})).toThrow(/while refused/);
  });
});
