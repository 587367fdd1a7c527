/**
 * VStatsDashboard — the dashboard side of shared/protocols/vstats.md.
 *
 * Connects to `/ws`, validates every message, emits typed `metrics`, `status`,
 * `server_added` and `server_removed`, and keeps a live map of servers the
 * caller can read at any time (`servers`). The map is cleared on every
 * (re)connect: the fleetwire mock backend replays a snapshot to each new
 * dashboard, so what was removed while we were away does not linger.
 */
import { ErrorCodes, FleetwireError, invalidArgument } from '../../core/errors.js';
import { TypedEmitter } from '../../core/emitter.js';
import type { ConnectionState } from '../../core/state.js';
import { WsConnection, checkInbound, wsUrl, type WsClientOptions } from './connection.js';
import { VSTATS_DASHBOARD_PATH, vstatsDashboardValidators, type DashboardMessage } from './schema.js';
import type { VStatsDashboardEvents, VStatsServer } from './events.js';

export interface VStatsDashboardOptions extends WsClientOptions {
  /** Server base URL, e.g. `ws://localhost:3001` (`/ws` is appended unless present). */
  url: string;
  /**
   * `Origin` header to send (Node `ws` only; a browser sends its page's origin
   * itself). Servers may limit dashboards to allowed origins.
   */
  origin?: string;
  /** Clear the server map on reconnect (default true; see the class comment). */
  clearOnReconnect?: boolean;
}

export class VStatsDashboard extends TypedEmitter<VStatsDashboardEvents> {
  private readonly conn: WsConnection;
  private readonly map = new Map<string, VStatsServer>();

  constructor(options: VStatsDashboardOptions) {
    super();
    if (!options || typeof options.url !== 'string' || !/^(https?|wss?):\/\//.test(options.url)) {
      invalidArgument(`VStatsDashboard: url must be a ws(s):// or http(s):// URL, got ${JSON.stringify(options?.url)}`);
    }
    const url = wsUrl(options.url, VSTATS_DASHBOARD_PATH);
    const headers = options.origin ? { Origin: options.origin } : undefined;
    this.conn = new WsConnection(() => url, { ...options, headers }, {
      onOpen: () => {
        if (options.clearOnReconnect !== false) this.map.clear();
        this.emit('connected');
      },
      onMessage: (m) => this.onMessage(m),
      onMalformed: (raw, problem) =>
        this.emit('error', new FleetwireError(ErrorCodes.FW_PROTOCOL_MALFORMED, `malformed frame from server: ${problem}`, { raw: raw.slice(0, 200) })),
      onLost: (info) => {
        for (const s of this.map.values()) s.online = false; // we no longer know: say so rather than show stale "online"
        this.emit('disconnected', { code: info.code, reason: info.reason });
      },
      onError: (e) => this.emit('error', e),
      onTransition: (t) => this.emit('state', t),
      onRetryScheduled: (delayMs, attempt) => this.emit('reconnecting', { delayMs, attempt }),
    });
  }

  connect(): this {
    this.conn.start();
    return this;
  }

  close(): void {
    this.conn.stop();
  }

  get state(): ConnectionState {
    return this.conn.state;
  }

  /** The live map: server id → name, location, online, last metrics, updatedAt. Read-only view. */
  get servers(): ReadonlyMap<string, Readonly<VStatsServer>> {
    return this.map;
  }

  /** One server, or undefined. */
  server(id: string): Readonly<VStatsServer> | undefined {
    return this.map.get(id);
  }

  private entry(id: string, at: string): VStatsServer {
    let s = this.map.get(id);
    if (!s) {
      // Metrics or a status for a server we were not told about: keep it, with what we know.
      s = { id, name: id, location: '', online: false, lastMetrics: null, updatedAt: at };
      this.map.set(id, s);
    }
    s.updatedAt = at;
    return s;
  }

  private onMessage(raw: Record<string, unknown>): void {
    const r = checkInbound<DashboardMessage>(vstatsDashboardValidators, 'type', raw);
    if (!r.ok) {
      this.emit('error', new FleetwireError(r.code, `from server: ${r.message}`, r.context));
      return;
    }
    const msg = r.value;
    const at = msg.timestamp ?? new Date().toISOString();
    switch (msg.type) {
      case 'metrics': {
        const s = this.entry(msg.data.server_id, at);
        s.lastMetrics = msg.data.metrics;
        this.emit('metrics', msg.data, msg);
        break;
      }
      case 'status':
        this.entry(msg.data.server_id, at).online = msg.data.online;
        this.emit('status', msg.data, msg);
        break;
      case 'server_added': {
        const s = this.entry(msg.data.id, at);
        s.name = msg.data.name;
        s.location = msg.data.location;
        this.emit('server_added', msg.data, msg);
        break;
      }
      case 'server_removed':
        this.map.delete(msg.data.id);
        this.emit('server_removed', msg.data, msg);
        break;
    }
  }
}
