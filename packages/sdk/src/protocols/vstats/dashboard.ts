/**
 * VStatsDashboard — the dashboard side of docs/protocols/vstats.md.
 *
 * Connects to `/ws`, validates every message, emits typed `metrics`, `status`,
 * `server_added` and `server_removed`, and keeps a live map of servers the
 * caller can read at any time (`servers`). The map is cleared on every
 * (re)connect: the fleetwire mock backend replays a snapshot to each new
 * dashboard, so what was removed while we were away does not linger.
 */
import { invalidArgument } from '../../core/errors.js';
import { classify, wsUrl } from '../../core/inbound.js';
import { WsClient, type WsClientOptions } from '../../core/ws-client.js';
import { VSTATS_DASHBOARD_PATH } from './constants.js';
import { vstatsDashboardValidators } from './validators.gen.js';
import type { DashboardMessage } from './schema.js';
import type { FleetwireClient } from '../../core/client.js';
import type { VStatsDashboardEvents, VStatsServer } from './events.js';

/** A dashboard sends nothing, so the send-queue option does not apply. */
export interface VStatsDashboardOptions extends Omit<WsClientOptions, 'sendQueueCapacity'> {
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

export class VStatsDashboard extends WsClient<VStatsDashboardEvents> implements FleetwireClient {
  private readonly target: string;
  private readonly clearOnReconnect: boolean;
  private readonly map = new Map<string, VStatsServer>();

  constructor(options: VStatsDashboardOptions) {
    if (!options || typeof options.url !== 'string' || !/^(https?|wss?):\/\//.test(options.url)) {
      invalidArgument(`VStatsDashboard: url must be a ws(s):// or http(s):// URL, got ${JSON.stringify(options?.url)}`);
    }
    super('vstats', options, { headers: options.origin ? { Origin: options.origin } : undefined });
    this.target = wsUrl(options.url, VSTATS_DASHBOARD_PATH);
    this.clearOnReconnect = options.clearOnReconnect !== false;
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

  protected url(): string {
    return this.target;
  }

  protected onOpen(): void {
    if (this.clearOnReconnect) this.map.clear();
    this.markReady(`open ${this.safeUrl}`);
  }

  protected override onDown(): void {
    for (const s of this.map.values()) s.online = false; // we no longer know: say so rather than show stale "online"
  }

  protected onFrame(raw: Record<string, unknown>): void {
    const r = classify(raw, 'type', vstatsDashboardValidators, 'vstats');
    if (!r.ok) {
      this.emit('error', r.error);
      return;
    }
    const msg = r.msg as DashboardMessage;
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
