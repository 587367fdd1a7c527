/**
 * Drives a dialect's transport-agnostic Router (../transport/peer.ts) from msw
 * `ws.link()` connections — the same behaviour the `ws` network server runs.
 *
 * msw cannot answer a WebSocket with an HTTP status, so a refusal the network
 * server sends as 401/403 at the upgrade becomes a close with REFUSED_CLOSE_CODE
 * (1008, policy violation) before the socket opens, reason "401 <why>"; the SDK
 * treats 1008 like a 401 (FW_AUTH_REJECTED, no retry with those credentials).
 */
import type { WebSocketHandler, WebSocketHandlerConnection } from 'msw';
import { ws } from './msw-module.js';
import { REFUSED_CLOSE_CODE, type ConnectionHandler, type Peer, type PeerRequest, type Router } from '../transport/peer.js';

/** The open msw connections of a set of handlers, so they can be closed together. */
export class MswConnections {
  readonly open = new Set<Peer>();

  /** Closes every open connection (default 1001, going away). Returns how many. */
  closeAll(code = 1001, reason = 'mock backend shutting down'): number {
    const n = this.open.size;
    for (const p of [...this.open]) p.close(code, reason);
    return n;
  }
}

function decode(data: unknown): { text: string; binary: boolean } {
  if (typeof data === 'string') return { text: data, binary: false };
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return { text: new TextDecoder().decode(data as ArrayBuffer), binary: true };
  // A Blob cannot be read synchronously; the dialects treat binary frames as invalid anyway.
  return { text: '', binary: true };
}

/** One msw connection, routed: refused (1008 before open) or bound to the dialect's handler. */
export function serveConnection(conn: WebSocketHandlerConnection, router: Router, connections: MswConnections, headers: Record<string, string | undefined> = {}): void {
  const { client } = conn;
  const req: PeerRequest = { path: client.url.pathname, query: client.url.searchParams, headers };
  const route = router(req);
  if (!route) {
    // The network server answers 404; there is no status to send here.
    client.close(1011, '404 no such path');
    return;
  }
  if ('refuse' in route) {
    client.close(REFUSED_CLOSE_CODE, `${route.refuse.status} ${route.refuse.reason}`);
    return;
  }
  let open = true;
  let ended = false;
  const peer: Peer = {
    // client.send() before the client has opened is delivered after its `open` (msw queues it).
    send: (text) => open && client.send(text),
    close: (code = 1000, reason) => {
      if (!open) return;
      open = false;
      client.close(code, reason);
    },
    terminate: () => peer.close(1006, 'connection dropped'),
  };
  connections.open.add(peer);
  const h: ConnectionHandler = route.accept(peer);
  client.addEventListener('message', (ev) => {
    const { text, binary } = decode(ev.data);
    h.onMessage(text, binary);
  });
  client.addEventListener('close', () => {
    open = false;
    connections.open.delete(peer);
    if (ended) return;
    ended = true;
    h.onClose();
  });
  h.onOpen?.();
}

/** msw handlers for `paths` under `baseUrl`, every connection served by `router`. */
export function linkHandlers(baseUrl: string, paths: readonly string[], router: Router, connections: MswConnections, headers: () => Record<string, string | undefined>): WebSocketHandler[] {
  return paths.map((p) => ws.link(`${baseUrl}${p}`).addEventListener('connection', (conn) => serveConnection(conn, router, connections, headers())));
}
