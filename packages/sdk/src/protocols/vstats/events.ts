import type { StateTransition } from '../../core/state.js';
import type { FleetwireError } from '../../core/errors.js';
import type { AgentHeartbeat, AgentMetrics, DashboardServerMetrics, MetricsUpdate, ServerAdded, ServerRemoved, StatusChange } from './schema.js';

/** Connection events every vstats client has. */
export interface VStatsConnectionEvents {
  /** Every connection state change, with a stable code and a reason. */
  state: (t: StateTransition) => void;
  /** The socket is open (also after every reconnect). */
  connected: () => void;
  /** An open connection ended; a reconnect follows unless terminal. */
  disconnected: (info: { code: number; reason: string }) => void;
  /** A reconnect attempt is scheduled. */
  reconnecting: (info: { delayMs: number; attempt: number }) => void;
  /** Anything that went wrong, with a stable code. Never thrown. */
  error: (err: FleetwireError) => void;
}

/** Events of {@link VStatsAgent}. */
export interface VStatsAgentEvents extends VStatsConnectionEvents {
  /** A metrics report was sent. */
  metrics: (msg: AgentMetrics) => void;
  /** A heartbeat was sent. */
  heartbeat: (msg: AgentHeartbeat) => void;
}

/** One server as a dashboard sees it. */
export interface VStatsServer {
  id: string;
  name: string;
  location: string;
  online: boolean;
  lastMetrics: DashboardServerMetrics | null;
  /** ISO 8601 time of the last message about this server (the message's timestamp when it had one). */
  updatedAt: string;
}

/** Events of {@link VStatsDashboard}. Each carries the validated message; the live map is already updated. */
export interface VStatsDashboardEvents extends VStatsConnectionEvents {
  metrics: (data: MetricsUpdate['data'], msg: MetricsUpdate) => void;
  status: (data: StatusChange['data'], msg: StatusChange) => void;
  server_added: (data: ServerAdded['data'], msg: ServerAdded) => void;
  server_removed: (data: ServerRemoved['data'], msg: ServerRemoved) => void;
}
