import type { ClientEvents } from '../../core/client.js';
import type { AgentMetrics, AlertData, Command, CommandResponse, DockerCommand, DockerResponse, FrontendMetricsData, LogEntry } from './schema.js';

/** What a `command` handler returns; `duration_ms` is measured by the SDK. */
export interface CommandResult {
  output: string;
  /** Default 0. */
  exit_code?: number;
}

/** What a `docker_command` handler returns. */
export interface DockerResult {
  success: boolean;
  message: string;
}

/** Events of {@link MonitorAgent}. */
export interface MonitorAgentEvents extends ClientEvents {
  /** `auth_success` arrived (before `connected`; also after every reconnect): the agent's `server_id` and the server's message. */
  auth_success: (info: { serverId: string; message?: string }) => void;
  /** A metrics message was sent. */
  metrics: (m: AgentMetrics) => void;
  /** Commands from the server, after validation (the handlers run separately). */
  command: (cmd: Command) => void;
  docker_command: (cmd: DockerCommand) => void;
  /** A response was sent (or queued, when the connection dropped meanwhile). */
  command_response: (r: CommandResponse) => void;
  docker_response: (r: DockerResponse) => void;
}

/** Events of {@link MonitorMetricsStream} and {@link MonitorLogStream}. */
export interface MonitorStreamEvents extends ClientEvents {
  metrics: (data: FrontendMetricsData) => void;
  log: (entry: LogEntry) => void;
  alert: (alert: AlertData) => void;
  /** A `{type:"error"}` from the server, as its message (also emitted as FW_REMOTE_ERROR on `error`). */
  server_error: (message: string) => void;
}

export type { CommandResponse, DockerResponse };
