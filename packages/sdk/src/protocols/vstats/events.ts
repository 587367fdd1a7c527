import type { ClientEvents } from '../../core/client.js';
import type { AgentHeartbeat, AgentMetrics, DashboardServerMetrics, MetricsUpdate, ServerAdded, ServerRemoved, StatusChange } from './schema.js';

/** Events of {@link VStatsAgent}. */
export interface VStatsAgentEvents extends ClientEvents {
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
export interface VStatsDashboardEvents extends ClientEvents {
  metrics: (data: MetricsUpdate['data'], msg: MetricsUpdate) => void;
  status: (data: StatusChange['data'], msg: StatusChange) => void;
  server_added: (data: ServerAdded['data'], msg: ServerAdded) => void;
  server_removed: (data: ServerRemoved['data'], msg: ServerRemoved) => void;
}
