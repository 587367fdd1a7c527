import type { StateTransition } from '../../core/state.js';
import type { FleetwireError } from '../../core/errors.js';
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

/** Connection events every monitor client shares. */
export interface MonitorConnectionEvents {
  /** Every connection state change, with a stable code and a reason. */
  state: (t: StateTransition) => void;
  /** A reconnect attempt is scheduled. */
  reconnecting: (info: { delayMs: number; attempt: number }) => void;
  /** The connection dropped (a reconnect follows unless terminal). */
  disconnected: (info: { code: number; reason: string }) => void;
  /** Anything that went wrong, with a stable code. Never thrown. */
  error: (err: FleetwireError) => void;
}

/** Events of {@link MonitorAgent}. */
export interface MonitorAgentEvents extends MonitorConnectionEvents {
  /** `auth_success` arrived (also after every reconnect); `serverId` is the agent's id. */
  connected: (info: { serverId: string; message?: string }) => void;
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
export interface MonitorStreamEvents extends MonitorConnectionEvents {
  /** The socket is open and `auth` was sent (the document has no auth reply for frontends). */
  connected: () => void;
  metrics: (data: FrontendMetricsData) => void;
  log: (entry: LogEntry) => void;
  alert: (alert: AlertData) => void;
  /** A `{type:"error"}` from the server, as its message (also emitted as FW_REMOTE_ERROR on `error`). */
  server_error: (message: string) => void;
}

export type { CommandResponse, DockerResponse };
