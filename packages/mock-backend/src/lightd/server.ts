/**
 * The lightd dialect on the network: LightdCore (core.ts) driven by a `ws`
 * WebSocketServer (noServer) routed by path through an HttpHost. A refused
 * token is an HTTP 401 at the upgrade.
 */
import { WebSocketServer } from 'ws';
import type { HttpHost } from '../http-host.js';
import { closeClients, routeUpgrades } from '../transport/ws-peer.js';
import { guardRouter } from '../transport/guard.js';
import { LightdCore, type LightdCoreOptions } from './core.js';

export { LightdCore, type LightdCoreOptions, type LightdServerOptions, type LightdCounters } from './core.js';

export class LightdServer extends LightdCore {
  readonly wss: WebSocketServer;
  private closed = false;

  constructor(http: HttpHost, opts: LightdCoreOptions) {
    super(opts);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 16 * 1024 * 1024 });
    routeUpgrades(http, this.wss, guardRouter(this.route, { dialect: 'lightd', logger: this.log, onFault: opts.onHandlerError }), () => !this.closed, opts);
  }

  /** Closes every client with 1001 (going away), waiting briefly for their close handshakes. */
  close(): Promise<void> {
    this.closed = true;
    this.dispose();
    return closeClients(this.wss, 1001, 'lightd server shutting down');
  }
}
