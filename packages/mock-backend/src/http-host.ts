/**
 * One HTTP server per port. Several dialects can share it (fleet's Socket.IO
 * and control-plane's /ws both live on 3000): Socket.IO takes its own path and
 * every other upgrade is routed by path through `onUpgrade`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_SHUTDOWN_GRACE_MS } from './shutdown.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface HttpHost {
  server: Server;
  host: string;
  port: number;
  /** `http://host:port` */
  url: string;
  /** Adds an upgrade route; the handler returns true when it took the request. */
  onUpgrade(handler: UpgradeHandler): void;
  /**
   * Stops listening and ends every connection: HTTP ones at once, upgraded ones
   * when their owners have closed them or after `graceMs`, whichever is first
   * (default {@link DEFAULT_SHUTDOWN_GRACE_MS}, the backend's; it passes what is
   * left of its own `shutdownGraceMs`). Always settles in bounded time.
   */
  close(graceMs?: number): Promise<void>;
  /** Open TCP connections accepted by this server, in any state (HTTP, keep-alive, mid-upgrade, upgraded). */
  connections(): number;
  /**
   * Destroys every TCP connection this server accepted at once — upgraded
   * WebSockets included, which `server.closeAllConnections()` does not see — and
   * returns how many. The end of the backend's shutdown grace period.
   */
  destroyAll(): number;
}

/**
 * Accept-queue length asked of the kernel for every listening socket of the mock.
 * Node's default (511) overflows when thousands of agents reconnect at once after a
 * restart (SYNs dropped, each costing the agent a 1 s+ retransmit); 4096 holds a
 * 5,000-agent storm. Linux caps it at net.core.somaxconn (/proc/sys/net/core/somaxconn;
 * 4096 on kernels ≥ 5.4, 128 on older ones), so raise that too for bigger storms.
 */
export const DEFAULT_BACKLOG = 4096;

/** A peer's reset or broken pipe ends that one socket; it is never a reason to crash. */
function ignoreSocketError(): void {}

/** Listens on `port` (0 = ephemeral) with an accept queue of `backlog` (default {@link DEFAULT_BACKLOG}). */
export async function listen(port: number, host = '127.0.0.1', backlog = DEFAULT_BACKLOG): Promise<HttpHost> {
  const server = createServer();
  // Once a request is upgraded, Node's HTTP server stops listening for the
  // socket's errors; a client that resets while we refuse its upgrade (a 401
  // it does not wait to read) would then throw ECONNRESET out of the process.
  // Every socket keeps a listener of its own from accept to close.
  //
  // Every socket is also tracked until it closes: once upgraded, the HTTP server
  // forgets it (closeAllConnections() no longer sees it), yet the server's 'close'
  // waits for it. An upgrade that arrives while the owners are shutting down is
  // taken by nobody, sits unread and would hold shutdown open for ever (seen: a
  // SIGTERMed mock waiting on two CLOSE_WAIT sockets of agents that had given up).
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    socket.on('error', ignoreSocketError);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const handlers: UpgradeHandler[] = [];
  server.on('upgrade', (req, socket, head) => {
    // Socket.IO handles /socket.io/ itself (it adds its own listener); others are ours.
    if ((req.url ?? '').startsWith('/socket.io/')) return;
    for (const h of handlers) if (h(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, backlog, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const addr = server.address();
  const actualPort = typeof addr === 'object' && addr ? addr.port : port;
  return {
    server,
    host,
    port: actualPort,
    url: `http://${host}:${actualPort}`,
    onUpgrade: (h) => handlers.push(h),
    connections: () => sockets.size,
    destroyAll() {
      const n = sockets.size;
      for (const s of sockets) s.destroy();
      return n;
    },
    // Upgraded sockets are closed by their owners first (close frames); whatever is
    // still open after the grace is destroyed, so close() settles in bounded time.
    async close(graceMs = DEFAULT_SHUTDOWN_GRACE_MS) {
      if (server.listening) server.close();
      server.closeAllConnections();
      if (sockets.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const allGone = Promise.all([...sockets].map((s) => new Promise((r) => s.once('close', r))));
        await Promise.race([allGone, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
        clearTimeout(timer);
        for (const s of sockets) s.destroy();
      }
      return closed;
    },
  };
}
