/**
 * The server side of shared/protocols/vstats.md on a `ws` WebSocketServer
 * (noServer, routed through HttpHost.onUpgrade):
 * - `/ws/agent?token=`: token checked against the KeyStore at the upgrade (401
 *   when bad); an agent's first connection adds its server (server_added), its
 *   connections make it online/offline (status), its reports fan out as metrics;
 * - `/ws`: dashboards, optionally limited to allowed origins (403 otherwise);
 *   each new dashboard first gets a snapshot (server_added, status, last metrics
 *   of every known server) so its live map is complete at once;
 * - every peer is pinged every `pingIntervalMs` and dropped when it misses a pong.
 * Every message sent carries an ISO 8601 `timestamp`.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { listen, type HttpHost } from '../http-host.js';
import type { KeyStore } from '../keys.js';
import { silentLogger, type Logger } from '../logger.js';
import { VStatsState, serverIdForToken, type VStatsServerRecord } from '../state/vstats.js';
import { vstats } from '@fleetwire/sdk';
import { parseRequestUrl, refuseUpgrade, startPingSweep } from './upgrade.js';

export interface VStatsServerOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 for an ephemeral one. Default 3001 (shared/protocols/README.md). */
  port?: number;
  /** Accepted agent tokens. */
  keys: KeyStore;
  /** Ping period in ms; a peer that has not ponged by the next ping is dropped. Default 30000 (vstats.md). */
  pingIntervalMs?: number;
  /** Origins allowed to open a dashboard; others get 403. Default: any origin (and none). */
  allowedOrigins?: string[];
  /** Shared state. Default a new one. */
  state?: VStatsState;
  logger?: Logger;
  /** Largest frame accepted, bytes. Default 1 MiB (a full report is ~2 KB). */
  maxPayload?: number;
}

export interface VStatsCounters {
  agentConnections: number;
  dashboardConnections: number;
  authFailures: number;
  originRejections: number;
  metricsReports: number;
  heartbeats: number;
  invalidMessages: number;
  pingDrops: number;
  /** Pings sent. */
  pings: number;
}

export interface VStatsServerHandle {
  /** `ws://host:port` — base URL for VStatsAgent and VStatsDashboard. */
  url: string;
  port: number;
  state: VStatsState;
  counters: VStatsCounters;
  /** Removes a server: dashboards get server_removed; its agents are closed with 1008 "server removed". */
  removeServer(id: string): boolean;
  /** Live sockets. */
  agentCount(): number;
  dashboardCount(): number;
  /** Sends a raw frame to every dashboard (tests of the SDK's bad-input path). */
  sendRawToDashboards(data: string): void;
  close(): Promise<void>;
}

const DEFAULT_PORT = 3001;

export async function startVStatsServer(options: VStatsServerOptions): Promise<VStatsServerHandle> {
  if (!options?.keys) throw new Error('startVStatsServer: keys (a KeyStore of agent tokens) is required');
  const http: HttpHost = await listen(options.port ?? DEFAULT_PORT, options.host ?? '127.0.0.1');
  const log = options.logger ?? silentLogger;
  const state = options.state ?? new VStatsState();
  const counters: VStatsCounters = {
    agentConnections: 0, dashboardConnections: 0, authFailures: 0, originRejections: 0,
    metricsReports: 0, heartbeats: 0, invalidMessages: 0, pingDrops: 0, pings: 0,
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 1024 * 1024 });
  const dashboards = new Set<WebSocket>();
  const agentsByServer = new Map<string, Set<WebSocket>>();
  const allowed = options.allowedOrigins ? new Set(options.allowedOrigins) : null;

  const stopSweep = startPingSweep(wss, options.pingIntervalMs ?? 30_000, () => {
    counters.pingDrops++;
    log.warn('vstats: dropped a peer that missed its pong');
  }, () => counters.pings++);

  // ── outbound: state events → dashboards ──
  const now = () => new Date().toISOString();
  const msgAdded = (s: VStatsServerRecord) => ({ type: 'server_added', data: { id: s.id, name: s.name, location: s.location }, timestamp: now() });
  const msgStatus = (s: VStatsServerRecord) => ({ type: 'status', data: { server_id: s.id, online: s.online }, timestamp: now() });
  const msgMetrics = (s: VStatsServerRecord, r: vstats.SystemMetrics) => ({
    type: 'metrics',
    // The dashboard shape (cpu.usage/cores, memory.total/used, disks, network.rx/tx) plus the rest of the report.
    data: { server_id: s.id, metrics: { ...r, network: { ...r.network, rx: r.network.total_rx, tx: r.network.total_tx } } },
    timestamp: now(),
  });
  const broadcast = (msg: unknown) => {
    const frame = JSON.stringify(msg);
    for (const d of dashboards) if (d.readyState === d.OPEN) d.send(frame);
  };
  const listeners = {
    'server:added': (s: VStatsServerRecord) => broadcast(msgAdded(s)),
    'server:removed': (s: VStatsServerRecord) => broadcast({ type: 'server_removed', data: { id: s.id }, timestamp: now() }),
    'server:online': (s: VStatsServerRecord) => broadcast(msgStatus(s)),
    'server:offline': (s: VStatsServerRecord) => broadcast(msgStatus(s)),
    'server:metrics': (s: VStatsServerRecord, r: vstats.SystemMetrics) => broadcast(msgMetrics(s, r)),
  };
  for (const [e, fn] of Object.entries(listeners)) state.on(e as keyof typeof listeners, fn as never);

  // ── upgrades ──
  let closed = false;
  http.onUpgrade((req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closed) return false;
    const url = parseRequestUrl(req);
    if (url.pathname === vstats.VSTATS_AGENT_PATH) {
      const token = url.searchParams.get('token');
      if (!options.keys.has(token)) {
        counters.authFailures++;
        log.warn('vstats: refused an agent with an invalid token', { address: req.socket.remoteAddress });
        refuseUpgrade(socket, 401, 'invalid agent token');
        return true;
      }
      const id = serverIdForToken(token);
      const info = { name: url.searchParams.get('name') ?? undefined, location: url.searchParams.get('location') ?? undefined };
      wss.handleUpgrade(req, socket, head, (ws) => {
        wss.emit('connection', ws, req);
        onAgent(ws, id, info);
      });
      return true;
    }
    if (url.pathname === vstats.VSTATS_DASHBOARD_PATH) {
      const origin = req.headers.origin;
      if (allowed && (!origin || !allowed.has(origin))) {
        counters.originRejections++;
        log.warn('vstats: refused a dashboard from a disallowed origin', { origin });
        refuseUpgrade(socket, 403, 'origin not allowed');
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        wss.emit('connection', ws, req);
        onDashboard(ws);
      });
      return true;
    }
    return false;
  });

  function onAgent(ws: WebSocket, id: string, info: { name?: string; location?: string }): void {
    counters.agentConnections++;
    state.addServer(id, info); // first connection adds it (server_added)
    let set = agentsByServer.get(id);
    if (!set) agentsByServer.set(id, (set = new Set()));
    set.add(ws);
    state.agentConnected(id);
    log.info('vstats: agent connected', { serverId: id });
    ws.on('message', (data, isBinary) => {
      let msg: unknown;
      try {
        msg = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
      } catch {
        counters.invalidMessages++;
        log.warn('vstats: agent sent a frame that is not JSON; ignored', { serverId: id });
        return;
      }
      const type = (msg as { type?: unknown } | null)?.type;
      if (type === 'metrics' && vstats.vstatsAgentValidators.metrics.check(msg)) {
        counters.metricsReports++;
        state.metrics(id, msg.data);
      } else if (type === 'heartbeat' && vstats.vstatsAgentValidators.heartbeat.check(msg)) {
        counters.heartbeats++;
        state.heartbeat(id);
      } else {
        counters.invalidMessages++;
        const v = vstats.vstatsAgentValidators[type as 'metrics'];
        log.warn('vstats: invalid agent message ignored', { serverId: id, type, problems: v ? v.explain(msg) : ['unknown type'] });
      }
    });
    ws.on('close', () => {
      const s = agentsByServer.get(id);
      if (s?.delete(ws)) {
        if (s.size === 0) agentsByServer.delete(id);
        state.agentDisconnected(id);
        log.info('vstats: agent disconnected', { serverId: id });
      }
    });
  }

  function onDashboard(ws: WebSocket): void {
    counters.dashboardConnections++;
    dashboards.add(ws);
    for (const s of state.servers.values()) {
      ws.send(JSON.stringify(msgAdded(s)));
      ws.send(JSON.stringify(msgStatus(s)));
      if (s.lastMetrics) ws.send(JSON.stringify(msgMetrics(s, s.lastMetrics)));
    }
    ws.on('message', () => log.info('vstats: dashboard sent a message; dashboards only listen, ignored'));
    ws.on('close', () => dashboards.delete(ws));
  }

  return {
    url: `ws://${http.host}:${http.port}`,
    port: http.port,
    state,
    counters,
    removeServer(id) {
      const sockets = agentsByServer.get(id);
      agentsByServer.delete(id);
      const removed = state.removeServer(id);
      for (const ws of sockets ?? []) ws.close(1008, 'server removed');
      return removed;
    },
    agentCount: () => [...agentsByServer.values()].reduce((n, s) => n + s.size, 0),
    dashboardCount: () => dashboards.size,
    sendRawToDashboards(data) {
      for (const d of dashboards) d.send(data);
    },
    async close() {
      closed = true;
      stopSweep();
      for (const [e, fn] of Object.entries(listeners)) state.off(e as keyof typeof listeners, fn as never);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await http.close();
    },
  };
}
