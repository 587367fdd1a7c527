/**
 * Socket.IO plumbing for the `fleet` dialect. The client factory is injectable
 * (tests, custom builds, a pre-configured Manager); fleetwire turns Socket.IO's
 * own reconnection off and drives reconnects with the core Reconnector, so the
 * backoff, the state machine and the auth-is-terminal rule are the same for all
 * five dialects.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

export type { Socket } from 'socket.io-client';
/**
 * socket.io-client options, plus `localAddress`: engine.io-client hands it to
 * `ws` in Node (source address selection, e.g. 127.0.0.2) but its types omit it.
 */
export type IoOptions = Partial<ManagerOptions & SocketOptions> & { localAddress?: string };
/** Something shaped like socket.io-client's `io()`. */
export type IoFactory = (url: string, options: IoOptions) => Socket;

export const defaultIo: IoFactory = io;

/** Appends the namespace unless the URL already names it: `http://h:3000` → `http://h:3000/fleet`. */
export function namespaceUrl(base: string, namespace: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith(namespace) ? trimmed : trimmed + namespace;
}

/**
 * A `connect_error` means "the server refused us" (namespace middleware said no)
 * when socket.io-client has deactivated the socket; transport failures leave it
 * active. That is socket.io-client's documented way to tell the two apart.
 */
export function isRefusal(socket: Socket): boolean {
  return !socket.active;
}
