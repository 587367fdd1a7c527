/**
 * The lean fleet transport as an `io` factory: what FleetAgent's `io` option
 * takes (socket.io-client's `io()` shape), so FleetAgent — the protocol, the
 * outbox, the reconnect loop — runs unchanged over LeanSocket.
 */
import type { IoFactory, IoOptions } from '@fleetwire/sdk';
import type { Socket } from 'socket.io-client';
import { defaultHub, type LeanHub } from './hub.js';
import { LeanSocket } from './lean-socket.js';
import type { SourcePool } from './source-pool.js';

/**
 * An `io` factory making LeanSockets that share `hub` (default: the process's).
 * The URL is socket.io-client's: `http(s)://host:port/namespace`; `path`
 * (default `/socket.io/`) and `query` options are honoured. With `sources`, every
 * connection binds a source pair of that pool (source-pool.ts).
 */
export function leanIo(hub: LeanHub = defaultHub(), sources: SourcePool | null = null): IoFactory {
  return (url: string, options: IoOptions) => {
    const u = new URL(url);
    const nsp = u.pathname === '' || u.pathname === '/' ? '/' : u.pathname.replace(/\/+$/, '');
    const path = (options.path ?? '/socket.io/').replace(/\/?$/, '/');
    const q = new URLSearchParams(typeof options.query === 'object' && options.query !== null ? (options.query as Record<string, string>) : {});
    q.set('EIO', '4');
    q.set('transport', 'websocket');
    const proto = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
    const wsUrl = `${proto}//${u.host}${path}?${q.toString()}`;
    return new LeanSocket(hub, hub.framesFor(nsp), wsUrl, options, sources) as unknown as Socket;
  };
}
