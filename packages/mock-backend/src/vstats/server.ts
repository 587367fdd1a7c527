/**
 * The vstats dialect on the network: VStatsCore (core.ts) driven by a `ws`
 * WebSocketServer (noServer) on an HttpHost. A bad agent token is an HTTP 401
 * at the upgrade, a disallowed dashboard origin a 403. Every peer is pinged
 * every `pingIntervalMs` and dropped when it misses a pong.
 *
 * `attachVStats(host, …)` shares an HttpHost (the mock backend's, so fault
 * injection and the connection gauge see vstats sockets at the upgrade);
 * `startVStatsServer(…)` binds a port of its own.
 */
import { WebSocketServer } from 'ws';
import { listen, type HttpHost } from '../http-host.js';
import { closeClients, routeUpgrades, type SendBufferOptions } from '../transport/ws-peer.js';
import type { VStatsState } from '../state/vstats.js';
import { VStatsCore, type VStatsCoreOptions, type VStatsCounters } from './core.js';
import { startPingSweep } from './upgrade.js';
import { guardRouter } from '../transport/guard.js';

export { VStatsCore, type VStatsCoreOptions, type VStatsCounters } from './core.js';

export interface VStatsAttachOptions extends VStatsCoreOptions, SendBufferOptions {
  /** Ping period in ms; a peer that has not ponged by the next ping is dropped. Default 30000 (vstats.md). */
  pingIntervalMs?: number;
  /** Largest frame accepted, bytes. Default 1 MiB (a full report is ~2 KB). */
  maxPayload?: number;
  /** Called once per exception a connection handler threw (that connection is closed with 1011). */
  onHandlerError?: (error: Error) => void;
}

export interface VStatsServerOptions extends VStatsAttachOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 for an ephemeral one. Default 3001 (docs/protocols/README.md). */
  port?: number;
}

export interface VStatsServerHandle {
  /** `ws://host:port` — base URL for VStatsAgent and VStatsDashboard. */
  url: string;
  port: number;
  state: VStatsState;
  counters: VStatsCounters;
  /** The transport-agnostic behaviour (shared with the msw handlers). */
  core: VStatsCore;
  /** Removes a server: dashboards get server_removed; its agents are closed with 1008 "server removed". */
  removeServer(id: string): boolean;
  /** Live sockets. */
  agentCount(): number;
  dashboardCount(): number;
  /** Sends a raw frame to every dashboard (tests of the SDK's bad-input path). */
  sendRawToDashboards(data: string): void;
  /** Closes every client with 1001 (going away), stops routing; the HttpHost stays open. */
  close(): Promise<void>;
}

const DEFAULT_PORT = 3001;

/** Serves vstats' `/ws/agent` and `/ws` on an existing HttpHost. */
export function attachVStats(http: HttpHost, options: VStatsAttachOptions): VStatsServerHandle {
  const core = new VStatsCore(options);
  const log = options.logger;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 1024 * 1024 });
  const stopSweep = startPingSweep(wss, options.pingIntervalMs ?? 30_000, () => {
    core.counters.pingDrops++;
    log?.warn('vstats: dropped a peer that missed its pong');
  }, () => core.counters.pings++);
  let closed = false;
  routeUpgrades(http, wss, guardRouter(core.route, { dialect: 'vstats', logger: log, onFault: options.onHandlerError }), () => !closed, options);
  return {
    url: `ws://${http.host.includes(':') ? `[${http.host}]` : http.host}:${http.port}`,
    port: http.port,
    state: core.state,
    counters: core.counters,
    core,
    removeServer: (id) => core.removeServer(id),
    agentCount: () => core.agentCount(),
    dashboardCount: () => core.dashboardCount(),
    sendRawToDashboards: (data) => core.sendRawToDashboards(data),
    async close() {
      if (closed) return;
      closed = true;
      stopSweep();
      core.dispose();
      await closeClients(wss, 1001, 'vstats server shutting down');
    },
  };
}

/** vstats on a port of its own: attachVStats on a new HttpHost, closed with it. */
export async function startVStatsServer(options: VStatsServerOptions): Promise<VStatsServerHandle> {
  if (!options?.keys) throw new Error('startVStatsServer: keys (a KeyStore of agent tokens) is required');
  const http = await listen(options.port ?? DEFAULT_PORT, options.host ?? '127.0.0.1');
  const handle = attachVStats(http, options);
  return {
    ...handle,
    async close() {
      await handle.close();
      await http.close();
    },
  };
}
