/**
 * The `monitor` dialect (docs/protocols/monitor.md): plain WebSocket, JSON
 * `{type}` messages. Every message of the document, both directions, as
 * TypeBox schemas. Extra fields are accepted (a newer server must not break an
 * older agent); a missing or mistyped required field fails validation.
 *
 * Where the document is silent, docs/protocols/README.md decides:
 * `disk_usage` / `network` item shapes. The `alert` body is not described by
 * the document at all; fleetwire gives it the shape of a `log` entry (`data`
 * with `message`, optional `level`/`timestamp`) so dashboards render both alike.
 */
import { IsoTimestamp } from '../../core/timestamp.js';
import { Type, type Static } from '../../core/schema.js';

export * from './constants.js';

export const DiskUsage = Type.Object({
  mount: Type.String(),
  total_bytes: Type.Number({ minimum: 0 }),
  used_bytes: Type.Number({ minimum: 0 }),
  percent: Type.Number(),
});
export type DiskUsage = Static<typeof DiskUsage>;

export const NetworkUsage = Type.Object({
  interface: Type.String(),
  rx_bytes: Type.Number({ minimum: 0 }),
  tx_bytes: Type.Number({ minimum: 0 }),
});
export type NetworkUsage = Static<typeof NetworkUsage>;

/** The metric figures an agent's provider returns (the envelope is added by MonitorAgent). */
export const MonitorMetricsBody = Type.Object({
  cpu_percent: Type.Number(),
  memory_percent: Type.Number(),
  disk_usage: Type.Array(DiskUsage),
  network: Type.Array(NetworkUsage),
});
export type MonitorMetricsBody = Static<typeof MonitorMetricsBody>;

// ── agent socket: agent → server ───────────────────────────────────────────

export const AgentAuth = Type.Object({ type: Type.Literal('auth'), api_key: Type.String({ minLength: 1 }) });
export type AgentAuth = Static<typeof AgentAuth>;

export const AgentMetrics = Type.Composite([
  Type.Object({ type: Type.Literal('metrics'), server_id: Type.String({ minLength: 1 }) }),
  MonitorMetricsBody,
  Type.Object({ timestamp: IsoTimestamp() }),
]);
export type AgentMetrics = Static<typeof AgentMetrics>;

export const CommandResponse = Type.Object({
  type: Type.Literal('command_response'),
  command_id: Type.String({ minLength: 1 }),
  output: Type.String(),
  exit_code: Type.Integer(),
  duration_ms: Type.Number({ minimum: 0 }),
});
export type CommandResponse = Static<typeof CommandResponse>;

export const DockerResponse = Type.Object({
  type: Type.Literal('docker_response'),
  command_id: Type.String({ minLength: 1 }),
  success: Type.Boolean(),
  message: Type.String(),
});
export type DockerResponse = Static<typeof DockerResponse>;

// ── agent socket: server → agent ───────────────────────────────────────────

export const AuthSuccess = Type.Object({
  type: Type.Literal('auth_success'),
  server_id: Type.String({ minLength: 1 }),
  message: Type.Optional(Type.String()),
});
export type AuthSuccess = Static<typeof AuthSuccess>;

export const Command = Type.Object({
  type: Type.Literal('command'),
  command_id: Type.String({ minLength: 1 }),
  command: Type.String(),
});
export type Command = Static<typeof Command>;

/** monitor.md shows only `"start"`; any non-empty action is accepted and the handler decides. */
export const DockerCommand = Type.Object({
  type: Type.Literal('docker_command'),
  command_id: Type.String({ minLength: 1 }),
  action: Type.String({ minLength: 1 }),
  container_id: Type.String({ minLength: 1 }),
});
export type DockerCommand = Static<typeof DockerCommand>;

/** Both sockets: `{type:"error", message}` (auth failed, invalid message, token expired). */
export const ErrorMessage = Type.Object({ type: Type.Literal('error'), message: Type.String() });
export type ErrorMessage = Static<typeof ErrorMessage>;

// ── frontend sockets ───────────────────────────────────────────────────────

export const FrontendAuth = Type.Object({ type: Type.Literal('auth'), token: Type.String({ minLength: 1 }) });
export type FrontendAuth = Static<typeof FrontendAuth>;

/** `data` carries at least the two headline figures; the rest (`disk_usage`, `network`, `timestamp`, …) passes through. */
export const FrontendMetricsData = Type.Object({
  cpu_percent: Type.Number(),
  memory_percent: Type.Number(),
  disk_usage: Type.Optional(Type.Array(DiskUsage)),
  network: Type.Optional(Type.Array(NetworkUsage)),
  timestamp: Type.Optional(IsoTimestamp()),
});
export type FrontendMetricsData = Static<typeof FrontendMetricsData>;
export const FrontendMetrics = Type.Object({ type: Type.Literal('metrics'), data: FrontendMetricsData });
export type FrontendMetrics = Static<typeof FrontendMetrics>;

export const LogEntry = Type.Object({ level: Type.String(), message: Type.String(), timestamp: IsoTimestamp() });
export type LogEntry = Static<typeof LogEntry>;
export const FrontendLog = Type.Object({ type: Type.Literal('log'), data: LogEntry });
export type FrontendLog = Static<typeof FrontendLog>;

export const AlertData = Type.Object({
  message: Type.String(),
  level: Type.Optional(Type.String()),
  timestamp: Type.Optional(IsoTimestamp()),
});
export type AlertData = Static<typeof AlertData>;
export const FrontendAlert = Type.Object({ type: Type.Literal('alert'), data: AlertData });
export type FrontendAlert = Static<typeof FrontendAlert>;

/** Schemas validated at run time, grouped by who receives the message (validators.gen.ts turns them into `monitorValidators`). */
export const monitorValidatorSchemas = {
  /** What a MonitorAgent receives. */
  toAgent: {
    auth_success: AuthSuccess,
    command: Command,
    docker_command: DockerCommand,
    error: ErrorMessage,
  },
  /** What the server receives on the agent socket. */
  fromAgent: {
    auth: AgentAuth,
    metrics: AgentMetrics,
    command_response: CommandResponse,
    docker_response: DockerResponse,
  },
  /** What a metrics/logs stream receives. */
  toFrontend: {
    metrics: FrontendMetrics,
    log: FrontendLog,
    alert: FrontendAlert,
    error: ErrorMessage,
  },
  /** What the server receives on a frontend socket. */
  fromFrontend: {
    auth: FrontendAuth,
  },
  body: MonitorMetricsBody,
} as const;
