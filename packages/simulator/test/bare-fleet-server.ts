/**
 * A bare Socket.IO server with a `/fleet` namespace — no fleetwire code — for
 * the transport tests: it checks the key where it is told to (Authorization
 * header, handshake `auth.token`, or either), acks what fleet.md says is acked,
 * records what it receives, and can send commands, stay silent or kick.
 * Shape: start() → { url, received[], close() } (DESIGN.md).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace, type Socket } from 'socket.io';

export interface BareOptions {
  key: string;
  /** Where the key must be. Default 'either'. */
  authIn?: 'header' | 'handshake' | 'either';
  /** Port to listen on (127.0.0.1). Default 0. */
  port?: number;
  /** Engine.IO ping settings. Default socket.io's (25 s / 20 s). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

export interface Received {
  event: string;
  payload: unknown;
  /** Which connection of the node (1 = first). */
  connection: number;
}

export interface BareFleetServer {
  url: string;
  port: number;
  nsp: Namespace;
  received: Received[];
  /** Connections accepted so far. */
  connections: number;
  authFailures: number;
  /** Heartbeats go unanswered while true (a link that swallows everything). */
  silent: boolean;
  /** Acks for the next `n` instance_* events are withheld (the agent must resend). */
  dropLifecycleAcks: number;
  /** The connected agent's socket, if any. */
  socket(): Socket | undefined;
  /** Sends a command with an ack, resolves with the agent's ack. */
  command(event: string, payload: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startBareFleetServer(o: BareOptions): Promise<BareFleetServer> {
  const http: HttpServer = createServer();
  const io = new Server(http, {
    transports: ['websocket'],
    ...(o.pingIntervalMs ? { pingInterval: o.pingIntervalMs } : {}),
    ...(o.pingTimeoutMs ? { pingTimeout: o.pingTimeoutMs } : {}),
  });
  const nsp = io.of('/fleet');
  const authIn = o.authIn ?? 'either';
  let current: Socket | undefined;
  const s: BareFleetServer = {
    url: '',
    port: 0,
    nsp,
    received: [],
    connections: 0,
    authFailures: 0,
    silent: false,
    dropLifecycleAcks: 0,
    socket: () => current,
    command: (event, payload) => {
      if (!current) return Promise.reject(new Error('no agent connected'));
      return current.timeout(5000).emitWithAck(event, payload);
    },
    close: () =>
      new Promise<void>((resolve) => {
        io.disconnectSockets(true);
        io.close(() => resolve());
      }),
  };
  nsp.use((socket, next) => {
    const header = socket.handshake.headers.authorization;
    const fromHeader = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    const fromAuth = (socket.handshake.auth as { token?: unknown }).token;
    const ok = (authIn !== 'handshake' && fromHeader === o.key) || (authIn !== 'header' && fromAuth === o.key);
    if (ok) return next();
    s.authFailures++;
    next(Object.assign(new Error('invalid key'), { data: { code: 'AUTH' } }));
  });
  nsp.on('connection', (socket) => {
    const n = ++s.connections;
    current = socket;
    socket.on('disconnect', () => {
      if (current === socket) current = undefined;
    });
    socket.onAny((event: string, payload: unknown, ack?: (a: unknown) => void) => {
      s.received.push({ event, payload, connection: n });
      if (event === 'heartbeat' && s.silent) return;
      if (event.startsWith('instance_') && s.dropLifecycleAcks > 0) {
        s.dropLifecycleAcks--;
        return;
      }
      if (typeof ack === 'function') ack({ success: true });
    });
  });
  await new Promise<void>((r) => http.listen(o.port ?? 0, '127.0.0.1', r));
  s.port = (http.address() as AddressInfo).port;
  s.url = `http://127.0.0.1:${s.port}`;
  return s;
}
