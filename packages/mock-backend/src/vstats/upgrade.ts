/**
 * Helpers shared by the plain-WebSocket servers (vstats, control-plane): refusing
 * an upgrade with a real HTTP status (so clients can tell 401 from a network
 * error), and a ping/pong liveness sweep that drops peers that stop answering.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

/** Answers an upgrade request with `status` and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, body = ''): void {
  const text = REASONS[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Path and query of an upgrade request. */
export function parseRequestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://localhost');
}

/**
 * Pings every client of `wss` every `intervalMs`; a client that has not answered
 * the previous ping by the next sweep is terminated (no close handshake: a peer
 * that stopped answering pings would not answer that either). Returns stop().
 */
export function startPingSweep(wss: WebSocketServer, intervalMs: number, onDrop: (ws: WebSocket) => void, onPing: () => void = () => {}): () => void {
  const alive = new WeakMap<WebSocket, boolean>();
  const mark = (ws: WebSocket) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
  };
  wss.on('connection', mark);
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        onDrop(ws);
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      try {
        ws.ping();
        onPing();
      } catch {
        // Socket already closing; the next sweep or its close handler cleans up.
      }
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    wss.off('connection', mark);
  };
}
