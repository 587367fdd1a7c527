/**
 * The monitor dialect on the network: MonitorCore (core.ts) driven by a `ws`
 * WebSocketServer (noServer) routed by path through an HttpHost.
 */
import { WebSocketServer } from 'ws';
import type { HttpHost } from '../http-host.js';
import { routeUpgrades } from '../transport/ws-peer.js';
import { MonitorCore, type MonitorCoreOptions } from './core.js';

export { MonitorCore, type MonitorCoreOptions, type MonitorServerOptions, type MonitorCounters } from './core.js';

export class MonitorServer extends MonitorCore {
  readonly wss: WebSocketServer;
  private closed = false;

  constructor(http: HttpHost, opts: MonitorCoreOptions) {
    super(opts);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 1024 * 1024 });
    routeUpgrades(http, this.wss, this.route, () => !this.closed);
  }

  /** Closes every socket and rejects pending requests with FW_CLOSED. */
  close(): Promise<void> {
    this.closed = true;
    this.rejectPending();
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
