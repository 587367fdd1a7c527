/**
 * vstats state (servers, their agents' online status and last metrics),
 * separate from any socket: the vstats server, the admin API and the status
 * page read and change this one object, and sockets follow its events.
 */
import { EventEmitter } from 'eventemitter3';
import { createHash } from 'node:crypto';
import type { vstats } from '@fleetwire/sdk';

export interface VStatsServerRecord {
  id: string;
  name: string;
  location: string;
  online: boolean;
  /** Live agent connections for this server (an agent may briefly have two while reconnecting). */
  connections: number;
  lastMetrics: vstats.SystemMetrics | null;
  metricsReports: number;
  heartbeats: number;
  addedAt: string;
  lastSeenAt: string | null;
}

export interface VStatsStateEvents {
  'server:added': (s: VStatsServerRecord) => void;
  'server:removed': (s: VStatsServerRecord) => void;
  'server:online': (s: VStatsServerRecord) => void;
  'server:offline': (s: VStatsServerRecord) => void;
  'server:metrics': (s: VStatsServerRecord, report: vstats.SystemMetrics) => void;
  'server:heartbeat': (s: VStatsServerRecord) => void;
}

/** The server id an agent token stands for: stable across reconnects, and the token itself never shown. */
export function serverIdForToken(token: string): string {
  return `srv-${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}

export class VStatsState extends EventEmitter<VStatsStateEvents> {
  readonly servers = new Map<string, VStatsServerRecord>();

  /** Adds a server if unknown (emits server:added); returns it either way. */
  addServer(id: string, info: { name?: string; location?: string } = {}): VStatsServerRecord {
    let s = this.servers.get(id);
    if (s) return s;
    s = {
      id,
      name: info.name || id,
      location: info.location ?? 'unknown',
      online: false,
      connections: 0,
      lastMetrics: null,
      metricsReports: 0,
      heartbeats: 0,
      addedAt: new Date().toISOString(),
      lastSeenAt: null,
    };
    this.servers.set(id, s);
    this.emit('server:added', s);
    return s;
  }

  /** Removes a server (emits server:removed). False when unknown. */
  removeServer(id: string): boolean {
    const s = this.servers.get(id);
    if (!s) return false;
    this.servers.delete(id);
    this.emit('server:removed', s);
    return true;
  }

  agentConnected(id: string): void {
    const s = this.servers.get(id);
    if (!s) return;
    s.connections++;
    s.lastSeenAt = new Date().toISOString();
    if (!s.online) {
      s.online = true;
      this.emit('server:online', s);
    }
  }

  agentDisconnected(id: string): void {
    const s = this.servers.get(id);
    if (!s) return;
    s.connections = Math.max(0, s.connections - 1);
    if (s.connections === 0 && s.online) {
      s.online = false;
      this.emit('server:offline', s);
    }
  }

  metrics(id: string, report: vstats.SystemMetrics): void {
    const s = this.servers.get(id);
    if (!s) return;
    s.lastMetrics = report;
    s.metricsReports++;
    s.lastSeenAt = new Date().toISOString();
    this.emit('server:metrics', s, report);
  }

  heartbeat(id: string): void {
    const s = this.servers.get(id);
    if (!s) return;
    s.heartbeats++;
    s.lastSeenAt = new Date().toISOString();
    this.emit('server:heartbeat', s);
  }
}
