/**
 * The server side of docs/protocols/vstats.md, independent of the transport
 * (the `ws` network server in server.ts and the msw handlers drive it):
 * - `/ws/agent?token=`: token checked against the KeyStore before the socket
 *   opens (refused with 401); an agent's first connection adds its server
 *   (server_added), its connections make it online/offline (status), its
 *   reports fan out as metrics;
 * - `/ws`: dashboards, optionally limited to allowed origins (403 otherwise);
 *   each new dashboard first gets a snapshot (server_added, status, last metrics
 *   of every known server) so its live map is complete at once.
 * Every message sent carries an ISO 8601 `timestamp`.
 */
import { vstats } from '@fleetwire/sdk';
import { fingerprint, type KeyStore } from '../keys.js';
import { own } from '../own.js';
import { silentLogger, type Logger } from '../logger.js';
import { VStatsState, serverIdForToken, type VStatsServerRecord } from '../state/vstats.js';
import type { ConnectionHandler, MessageHook, Peer, Router } from '../transport/peer.js';

export interface VStatsCoreOptions {
  /** Accepted agent tokens. */
  keys: KeyStore;
  /** Origins allowed to open a dashboard; others are refused (403). Default: any origin (and none). */
  allowedOrigins?: string[];
  /** Shared state. Default a new one. */
  state?: VStatsState;
  logger?: Logger;
  /** Called for every message in and out, by type (metrics). */
  onMessage?: MessageHook;
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

const now = () => new Date().toISOString();
const msgAdded = (s: VStatsServerRecord) => ({ type: 'server_added', data: { id: s.id, name: s.name, location: s.location }, timestamp: now() });
const msgStatus = (s: VStatsServerRecord) => ({ type: 'status', data: { server_id: s.id, online: s.online }, timestamp: now() });
const msgMetrics = (s: VStatsServerRecord, r: vstats.SystemMetrics) => ({
  type: 'metrics',
  // The dashboard shape (cpu.usage/cores, memory.total/used, disks, network.rx/tx) plus the rest of the report.
  data: { server_id: s.id, metrics: { ...r, network: { ...r.network, rx: r.network.total_rx, tx: r.network.total_tx } } },
  timestamp: now(),
});

export class VStatsCore {
  readonly state: VStatsState;
  readonly counters: VStatsCounters = {
    agentConnections: 0, dashboardConnections: 0, authFailures: 0, originRejections: 0,
    metricsReports: 0, heartbeats: 0, invalidMessages: 0, pingDrops: 0, pings: 0,
  };
  private readonly dashboards = new Set<Peer>();
  private readonly agentsByServer = new Map<string, Set<Peer>>();
  private readonly allowed: Set<string> | null;
  private readonly log: Logger;
  private readonly hook: MessageHook;
  private readonly listeners: Record<string, (...a: never[]) => void>;

  constructor(private readonly opts: VStatsCoreOptions) {
    if (!opts?.keys) throw new Error('vstats: keys (a KeyStore of agent tokens) is required');
    this.state = opts.state ?? new VStatsState();
    this.allowed = opts.allowedOrigins ? new Set(opts.allowedOrigins) : null;
    this.log = opts.logger ?? silentLogger;
    this.hook = opts.onMessage ?? (() => {});
    // state events → dashboards
    this.listeners = {
      'server:added': (s: VStatsServerRecord) => this.broadcast(msgAdded(s)),
      'server:removed': (s: VStatsServerRecord) => this.broadcast({ type: 'server_removed', data: { id: s.id }, timestamp: now() }),
      'server:online': (s: VStatsServerRecord) => this.broadcast(msgStatus(s)),
      'server:offline': (s: VStatsServerRecord) => this.broadcast(msgStatus(s)),
      'server:metrics': (s: VStatsServerRecord, r: vstats.SystemMetrics) => this.broadcast(msgMetrics(s, r)),
    };
    for (const [e, fn] of Object.entries(this.listeners)) this.state.on(e as 'server:added', fn as never);
  }

  readonly route: Router = (req) => {
    if (req.path === vstats.VSTATS_AGENT_PATH) {
      const token = req.query.get('token');
      if (!this.opts.keys.has(token)) {
        this.counters.authFailures++;
        this.log.warn('vstats: refused an agent with an invalid token', { address: req.remoteAddress, key: fingerprint(token) });
        return { refuse: { status: 401, reason: 'invalid agent token' } };
      }
      const info = { name: req.query.get('name') ?? undefined, location: req.query.get('location') ?? undefined };
      return { accept: (peer) => this.acceptAgent(peer, serverIdForToken(token), info) };
    }
    if (req.path === vstats.VSTATS_DASHBOARD_PATH) {
      const origin = req.headers.origin;
      if (this.allowed && (!origin || !this.allowed.has(origin))) {
        this.counters.originRejections++;
        this.log.warn('vstats: refused a dashboard from a disallowed origin', { origin });
        return { refuse: { status: 403, reason: 'origin not allowed' } };
      }
      return { accept: (peer) => this.acceptDashboard(peer) };
    }
    return null;
  };

  /** Removes a server: dashboards get server_removed; its agents are closed with 1008 "server removed". */
  removeServer(id: string): boolean {
    const peers = this.agentsByServer.get(id);
    this.agentsByServer.delete(id);
    const removed = this.state.removeServer(id);
    for (const p of peers ?? []) p.close(1008, 'server removed');
    return removed;
  }

  agentCount(): number {
    let n = 0;
    for (const s of this.agentsByServer.values()) n += s.size;
    return n;
  }

  dashboardCount(): number {
    return this.dashboards.size;
  }

  /** Sends a raw frame to every dashboard (tests of the SDK's bad-input path). */
  sendRawToDashboards(data: string): void {
    for (const d of this.dashboards) d.send(data);
  }

  /** Stops following the state (the transport closes the sockets). */
  dispose(): void {
    for (const [e, fn] of Object.entries(this.listeners)) this.state.off(e as 'server:added', fn as never);
  }

  private broadcast(msg: { type: string; [k: string]: unknown }): void {
    if (this.dashboards.size === 0) return;
    const frame = JSON.stringify(msg);
    for (const d of this.dashboards) d.send(frame);
    this.hook('out', msg.type, this.dashboards.size);
  }

  private acceptAgent(peer: Peer, id: string, info: { name?: string; location?: string }): ConnectionHandler {
    return {
      onOpen: () => {
        this.counters.agentConnections++;
        this.state.addServer(id, info); // first connection adds it (server_added)
        let set = this.agentsByServer.get(id);
        if (!set) this.agentsByServer.set(id, (set = new Set()));
        set.add(peer);
        this.state.agentConnected(id);
        this.log.info('vstats: agent connected', { serverId: id });
      },
      onMessage: (text) => {
        let msg: unknown;
        try {
          msg = JSON.parse(text);
        } catch {
          this.counters.invalidMessages++;
          this.hook('in', 'invalid');
          this.log.warn('vstats: agent sent a frame that is not JSON; ignored', { serverId: id });
          return;
        }
        const type = (msg as { type?: unknown } | null)?.type;
        if (type === 'metrics' && vstats.vstatsAgentValidators.metrics.check(msg)) {
          this.hook('in', 'metrics');
          this.counters.metricsReports++;
          this.state.metrics(id, msg.data);
        } else if (type === 'heartbeat' && vstats.vstatsAgentValidators.heartbeat.check(msg)) {
          this.hook('in', 'heartbeat');
          this.counters.heartbeats++;
          this.state.heartbeat(id);
        } else {
          this.hook('in', 'invalid');
          this.counters.invalidMessages++;
          // `type` comes from the wire: an own-property lookup only (never Object.prototype's members).
          const v = own(vstats.vstatsAgentValidators, type);
          this.log.warn('vstats: invalid agent message ignored', { serverId: id, type: typeof type === 'string' ? type.slice(0, 64) : typeof type, problems: v ? v.explain(msg) : ['unknown type'] });
        }
      },
      onClose: () => {
        const s = this.agentsByServer.get(id);
        if (s?.delete(peer)) {
          if (s.size === 0) this.agentsByServer.delete(id);
          this.state.agentDisconnected(id);
          this.log.info('vstats: agent disconnected', { serverId: id });
        }
      },
      onError: (err) => this.log.warn('vstats: agent socket error', { serverId: id, error: err.message }),
    };
  }

  private acceptDashboard(peer: Peer): ConnectionHandler {
    return {
      onOpen: () => {
        this.counters.dashboardConnections++;
        this.dashboards.add(peer);
        for (const s of this.state.servers.values()) {
          const snapshot = [msgAdded(s), msgStatus(s), ...(s.lastMetrics ? [msgMetrics(s, s.lastMetrics)] : [])];
          for (const m of snapshot) {
            this.hook('out', m.type);
            peer.send(JSON.stringify(m));
          }
        }
      },
      onMessage: () => {
        this.hook('in', 'ignored');
        this.log.info('vstats: dashboard sent a message; dashboards only listen, ignored');
      },
      onClose: () => void this.dashboards.delete(peer),
      onError: (err) => this.log.warn('vstats: dashboard socket error', { error: err.message }),
    };
  }
}
