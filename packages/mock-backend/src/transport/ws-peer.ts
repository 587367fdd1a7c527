/**
 * Drives the transport-agnostic dialect Routers (peer.ts) from a `ws`
 * WebSocketServer on an HttpHost: upgrade → Router → HTTP refusal or an
 * accepted socket whose frames go to the ConnectionHandler.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket, type WebSocketServer, type RawData } from 'ws';
import type { HttpHost } from '../http-host.js';
import { refuseUpgrade } from '../vstats/upgrade.js';
import type { ConnectionHandler, Peer, PeerRequest, Router } from './peer.js';

/** The request info a Router reads, from an upgrade request. */
export function requestOf(req: IncomingMessage): PeerRequest {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { path: url.pathname, query: url.searchParams, headers, remoteAddress: req.socket.remoteAddress };
}

/**
 * Close code for a peer that stopped reading (RFC 6455 1013 "try again later": a
 * temporary condition, so clients reconnect by their backoff instead of giving up).
 */
export const SLOW_CONSUMER_CLOSE = 1013;
/** Default bound on the bytes queued for one peer: 8 MiB (a reading client stays near 0). */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** How long a slow consumer's close handshake may take before its socket is destroyed, ms. */
const SLOW_CONSUMER_GRACE_MS = 1000;

/**
 * The per-peer send-buffer bound every plain-WebSocket dialect server takes. A
 * peer that stops reading would otherwise keep every fan-out frame in memory
 * until the ping sweep (30 s), hundreds of MB on a busy stream (issue 15).
 */
export interface SendBufferOptions {
  /**
   * Most bytes queued for one peer (`ws` bufferedAmount) before it counts as a slow
   * consumer: it is closed with 1013 and its buffer freed. Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /** Called once per peer closed as a slow consumer (the backend counts it in /metrics). */
  onSlowConsumer?: () => void;
}

/**
 * A Peer over a `ws` socket: sends only while open (a late fan-out to a closing
 * socket is dropped), and never queues more than `maxBufferedBytes` for it.
 */
export function wsPeer(ws: WebSocket, bound: SendBufferOptions = {}): Peer {
  const max = bound.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const overflow = () => {
    try {
      bound.onSlowConsumer?.();
    } catch {
      // a failing metrics hook must not stop the close that frees the memory
    }
    // The close frame waits behind the unread bytes; a peer that never reads gets
    // no handshake, so its socket (and the buffer with it) goes after a short grace.
    ws.close(SLOW_CONSUMER_CLOSE, 'send buffer full: client is not reading');
    setTimeout(() => ws.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  };
  return {
    send(text) {
      if (ws.readyState !== WebSocket.OPEN) return;
      // Checked before the send, so one peer holds at most max + one frame.
      if (ws.bufferedAmount > max) return overflow();
      ws.send(text);
    },
    close(code, reason) {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
    terminate: () => ws.terminate(),
  };
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Wires a `ws` socket to a handler made by `accept`. */
export function bindWs(ws: WebSocket, accept: (peer: Peer) => ConnectionHandler, bound: SendBufferOptions = {}): ConnectionHandler {
  const h = accept(wsPeer(ws, bound));
  ws.on('message', (data: RawData, isBinary: boolean) => h.onMessage(text(data), isBinary));
  ws.once('close', () => h.onClose());
  // `ws` reports an oversized or broken frame as 'error' (then closes); unhandled it would crash the process.
  ws.on('error', (err) => h.onError?.(err));
  h.onOpen?.();
  return h;
}

/**
 * Routes every upgrade of `http` through `router` (while `active()`): a refusal
 * becomes its HTTP status, an accepted connection a `ws` socket of `wss`
 * ('connection' is emitted on `wss`, so ping sweeps see it) whose sends are
 * bounded by `bound`.
 */
export function routeUpgrades(
  http: HttpHost,
  wss: WebSocketServer,
  router: Router,
  active: () => boolean = () => true,
  bound: SendBufferOptions = {},
): void {
  http.onUpgrade((req, socket, head) => {
    if (!active()) return false;
    let route: ReturnType<Router>;
    try {
      route = router(requestOf(req));
    } catch {
      // An upgrade line no URL parser accepts (or a router bug): one 400, never an exception in the 'upgrade' listener (fatal).
      refuseUpgrade(socket, 400, 'bad request');
      return true;
    }
    if (!route) return false;
    if ('refuse' in route) {
      refuseUpgrade(socket, route.refuse.status, route.refuse.reason);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.emit('connection', ws, req);
      bindWs(ws, route.accept, bound);
    });
    return true;
  });
}

/**
 * Closes every client of `wss` with `code` (1001 "going away" by default), waits
 * up to `timeoutMs` for their close handshakes, terminates the rest, then closes `wss`.
 */
export async function closeClients(wss: WebSocketServer, code = 1001, reason = 'server shutting down', timeoutMs = 1000): Promise<void> {
  const waits = [...wss.clients].map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        const t = setTimeout(() => (ws.terminate(), resolve()), timeoutMs);
        t.unref();
        ws.once('close', () => (clearTimeout(t), resolve()));
        try {
          ws.close(code, reason);
        } catch {
          ws.terminate();
        }
      }),
  );
  await Promise.all(waits);
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
