/**
 * monitor dialect state (servers, their last metrics, their simulated
 * containers), separate from any socket: the WebSocket server, the admin API
 * and the control-plane event bus all read and change this one object.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { monitor } from '@fleetwire/sdk';
import { own } from '../own.js';

export interface MonitorServerRecord {
  serverId: string;
  online: boolean;
  connectedAt: string | null;
  lastMetricsAt: string | null;
  lastMetrics: monitor.AgentMetrics | null;
  metricsCount: number;
  /** Connections so far (1 + reconnects). */
  connections: number;
  /** Containers this server is known to have, by id → status, as docker responses report them. */
  containers: Map<string, string>;
}

export interface MonitorStateEvents {
  'server:online': (s: MonitorServerRecord) => void;
  'server:offline': (s: MonitorServerRecord) => void;
  'server:metrics': (s: MonitorServerRecord, m: monitor.AgentMetrics) => void;
}

/** Status a successful docker action leaves a container in. */
const STATUS_AFTER: Record<string, string> = {
  start: 'running',
  restart: 'running',
  unpause: 'running',
  stop: 'exited',
  kill: 'exited',
  pause: 'paused',
};

export class MonitorState extends EventEmitter<MonitorStateEvents> {
  readonly servers = new Map<string, MonitorServerRecord>();
  private readonly keyToServer = new Map<string, string>();

  /** The stable server_id of an API key (assigned on first use, or pinned with `registerServer`). */
  serverIdForKey(apiKey: string): string {
    let id = this.keyToServer.get(apiKey);
    if (!id) {
      id = randomUUID();
      this.keyToServer.set(apiKey, id);
    }
    return id;
  }

  /** True when `apiKey` already has a server_id. */
  hasKey(apiKey: string): boolean {
    return this.keyToServer.has(apiKey);
  }

  /** Pins the server_id an API key authenticates as. */
  registerServer(apiKey: string, serverId: string): void {
    this.keyToServer.set(apiKey, serverId);
    this.server(serverId);
  }

  server(serverId: string): MonitorServerRecord {
    let s = this.servers.get(serverId);
    if (!s) {
      s = { serverId, online: false, connectedAt: null, lastMetricsAt: null, lastMetrics: null, metricsCount: 0, connections: 0, containers: new Map() };
      this.servers.set(serverId, s);
    }
    return s;
  }

  markOnline(serverId: string): MonitorServerRecord {
    const s = this.server(serverId);
    s.online = true;
    s.connectedAt = new Date().toISOString();
    s.connections++;
    this.emit('server:online', s);
    return s;
  }

  markOffline(serverId: string): void {
    const s = this.servers.get(serverId);
    if (!s || !s.online) return;
    s.online = false;
    this.emit('server:offline', s);
  }

  metrics(m: monitor.AgentMetrics): MonitorServerRecord {
    const s = this.server(m.server_id);
    s.metricsCount++;
    s.lastMetrics = m;
    s.lastMetricsAt = new Date().toISOString();
    this.emit('server:metrics', s, m);
    return s;
  }

  /** Records the outcome of a docker action the agent reported as successful. */
  dockerApplied(serverId: string, action: string, containerId: string): void {
    const status = own(STATUS_AFTER, action);
    const s = this.server(serverId);
    if (action === 'remove' || action === 'rm') s.containers.delete(containerId);
    else if (status) s.containers.set(containerId, status);
  }
}
