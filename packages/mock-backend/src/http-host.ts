/**
 * One HTTP server per port. Several dialects can share it (fleet's Socket.IO
 * and control-plane's /ws both live on 3000): Socket.IO takes its own path and
 * every other upgrade is routed by path through `onUpgrade`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export interface HttpHost {
  server: Server;
  host: string;
  port: number;
  /** `http://host:port` */
  url: string;
  /** Adds an upgrade route; the handler returns true when it took the request. */
  onUpgrade(handler: UpgradeHandler): void;
  close(): Promise<void>;
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
  server.on('connection', (socket) => socket.on('error', ignoreSocketError));
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
    // Upgraded sockets are not tracked by the HTTP server: their owners close them first.
    close() {
      if (server.listening) server.close();
      server.closeAllConnections();
      return closed;
    },
  };
}
