/**
 * The `vstats` dialect (docs/protocols/vstats.md): plain WebSocket, JSON
 * `{type, data, timestamp}`. Every message of the document, both directions.
 * Objects accept unknown extra fields (TypeBox's default); a missing or
 * mistyped required field fails validation.
 */
import { IsoTimestamp } from '../../core/timestamp.js';
import { Type, type Static } from '../../core/schema.js';

export * from './constants.js';

/** Every time field: ISO 8601 (core/timestamp.ts). */
const Iso = IsoTimestamp();

// ── the agent's full system metrics report (vstats.md "Metrics Report") ──

export const OsInfo = Type.Object({ name: Type.String(), version: Type.String(), kernel: Type.String(), arch: Type.String() });
export const CpuInfo = Type.Object({
  brand: Type.String(),
  cores: Type.Integer({ minimum: 0 }),
  usage: Type.Number(),
  /** MHz. */
  frequency: Type.Number(),
  per_core: Type.Array(Type.Number()),
});
export const MemoryInfo = Type.Object({
  total: Type.Number(),
  used: Type.Number(),
  available: Type.Number(),
  swap_total: Type.Number(),
  swap_used: Type.Number(),
  usage_percent: Type.Number(),
});
export const DiskInfo = Type.Object({
  name: Type.String(),
  mount_point: Type.String(),
  fs_type: Type.String(),
  total: Type.Number(),
  used: Type.Number(),
  available: Type.Number(),
  usage_percent: Type.Number(),
});
export type DiskInfo = Static<typeof DiskInfo>;
export const NetworkInterface = Type.Object({ name: Type.String(), rx: Type.Number(), tx: Type.Number() });
export const NetworkInfo = Type.Object({
  interfaces: Type.Array(NetworkInterface),
  total_rx: Type.Number(),
  total_tx: Type.Number(),
});
export const LoadAverage = Type.Object({ one: Type.Number(), five: Type.Number(), fifteen: Type.Number() });

/** `data` of the agent's `metrics` message: the full document shape. */
export const SystemMetrics = Type.Object({
  timestamp: Iso,
  hostname: Type.String(),
  os: OsInfo,
  cpu: CpuInfo,
  memory: MemoryInfo,
  disks: Type.Array(DiskInfo),
  network: NetworkInfo,
  /** Seconds. */
  uptime: Type.Number(),
  load_average: LoadAverage,
});
export type SystemMetrics = Static<typeof SystemMetrics>;

// ── agent → server ─────────────────────────────────────────────────────────

/** The document's example has no top-level timestamp on the agent report (it is inside `data`); fleetwire sends one, and accepts its absence. */
export const AgentMetrics = Type.Object({ type: Type.Literal('metrics'), data: SystemMetrics, timestamp: Type.Optional(Iso) });
export type AgentMetrics = Static<typeof AgentMetrics>;

export const AgentHeartbeat = Type.Object({ type: Type.Literal('heartbeat'), timestamp: Iso });
export type AgentHeartbeat = Static<typeof AgentHeartbeat>;

export type AgentMessage = AgentMetrics | AgentHeartbeat;

// ── server → dashboard ─────────────────────────────────────────────────────

/**
 * The per-server metrics a dashboard gets (vstats.md "Server Metrics Update"):
 * the document shows `cpu {usage, cores}`, `memory {total, used}`, `disks [...]`
 * (items unspecified: any object) and `network {rx, tx}`. The fleetwire mock
 * backend forwards the agent's full report with `network.rx/tx` added, which
 * this schema accepts as extra fields.
 */
export const DashboardServerMetrics = Type.Object({
  cpu: Type.Object({ usage: Type.Number(), cores: Type.Integer({ minimum: 0 }) }),
  memory: Type.Object({ total: Type.Number(), used: Type.Number() }),
  disks: Type.Array(Type.Object({})),
  network: Type.Object({ rx: Type.Number(), tx: Type.Number() }),
});
export type DashboardServerMetrics = Static<typeof DashboardServerMetrics>;

export const MetricsUpdate = Type.Object({
  type: Type.Literal('metrics'),
  data: Type.Object({ server_id: Type.String({ minLength: 1 }), metrics: DashboardServerMetrics }),
  timestamp: Iso,
});
export type MetricsUpdate = Static<typeof MetricsUpdate>;

export const StatusChange = Type.Object({
  type: Type.Literal('status'),
  data: Type.Object({ server_id: Type.String({ minLength: 1 }), online: Type.Boolean() }),
  timestamp: Iso,
});
export type StatusChange = Static<typeof StatusChange>;

/** The document's example carries no timestamp here; the mock backend sends one, the SDK accepts either. */
export const ServerAdded = Type.Object({
  type: Type.Literal('server_added'),
  data: Type.Object({ id: Type.String({ minLength: 1 }), name: Type.String(), location: Type.String() }),
  timestamp: Type.Optional(Iso),
});
export type ServerAdded = Static<typeof ServerAdded>;

export const ServerRemoved = Type.Object({
  type: Type.Literal('server_removed'),
  data: Type.Object({ id: Type.String({ minLength: 1 }) }),
  timestamp: Type.Optional(Iso),
});
export type ServerRemoved = Static<typeof ServerRemoved>;

export type DashboardMessage = MetricsUpdate | StatusChange | ServerAdded | ServerRemoved;

/** Schemas of what the agent sends, by `type` (validators.gen.ts: `vstatsAgentValidators`). */
export const vstatsAgentValidatorSchemas = {
  metrics: AgentMetrics,
  heartbeat: AgentHeartbeat,
} as const;

/** Schemas of what dashboards receive, by `type` (validators.gen.ts: `vstatsDashboardValidators`). */
export const vstatsDashboardValidatorSchemas = {
  metrics: MetricsUpdate,
  status: StatusChange,
  server_added: ServerAdded,
  server_removed: ServerRemoved,
} as const;

/** Schema of the report a metrics provider returns (validators.gen.ts: `systemMetricsValidator`). */
export const systemMetricsValidatorSchema = SystemMetrics;
