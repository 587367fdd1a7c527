/**
 * The monitor dialect on the network: MonitorCore (core.ts) driven by a `ws`
 * WebSocketServer (noServer) routed by path through an HttpHost.
 */
import { WebSocketServer } from 'ws';
import type { HttpHost } from '../http-host.js';
import { closeClients, routeUpgrades } from '../transport/ws-peer.js';
import { guardRouter } from '../transport/guard.js';
import { MonitorCore, type MonitorCoreOptions } from './core.js';

export { MonitorCore, type MonitorCoreOptions, type MonitorServerOptions, type MonitorCounters } from './core.js';

export class MonitorServer extends MonitorCore {
  readonly wss: WebSocketServer;
  private closed = false;

  constructor(http: HttpHost, opts: MonitorCoreOptions) {
    super(opts);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 1024 * 1024 });
    routeUpgrades(http, this.wss, guardRouter(this.route, { dialect: 'monitor', logger: this.log, onFault: opts.onHandlerError }), () => !this.closed, opts);
  }

  /** Rejects pending requests with FW_CLOSED, closes every client with 1001 (going away). */
  close(): Promise<void> {
    this.closed = true;
    this.rejectPending();
    return closeClients(this.wss, 1001, 'monitor server shutting down');
  }
}
