/**
 * The `fleet` dialect (docs/protocols/fleet.md): Socket.IO namespace `/fleet`.
 * Every message of the document, as TypeBox schemas. Objects accept unknown
 * extra fields (TypeBox's default) so a newer control plane does not break an
 * older agent; missing or mistyped required fields fail validation.
 */
import { Type, type Static } from '../../core/schema.js';

export * from './constants.js';

export const NodeStatus = Type.Union([Type.Literal('online'), Type.Literal('busy'), Type.Literal('maintenance')]);
export type NodeStatus = Static<typeof NodeStatus>;

export const FleetMetrics = Type.Object({
  cpuTemp: Type.Optional(Type.Number()),
  cpuUsagePercent: Type.Number(),
  gpuTemp: Type.Array(Type.Number()),
  gpuUtilization: Type.Array(Type.Number()),
  gpuMemoryUsedMb: Type.Array(Type.Number()),
  ramUsageMb: Type.Number(),
  ramTotalMb: Type.Number(),
  diskUsageGb: Type.Number(),
  diskTotalGb: Type.Number(),
  networkRxMbps: Type.Number(),
  networkTxMbps: Type.Number(),
});
export type FleetMetrics = Static<typeof FleetMetrics>;

// ── agent → backend ────────────────────────────────────────────────────────

export const Heartbeat = Type.Object({
  nodeId: Type.String({ minLength: 1 }),
  status: NodeStatus,
  metrics: FleetMetrics,
});
export type Heartbeat = Static<typeof Heartbeat>;

export const ConnectionInfo = Type.Object({
  sshHost: Type.String(),
  sshPort: Type.Integer(),
  additionalPorts: Type.Optional(Type.Record(Type.String(), Type.Integer())),
});
export type ConnectionInfo = Static<typeof ConnectionInfo>;

export const InstanceStarted = Type.Object({
  rentalId: Type.String({ minLength: 1 }),
  containerId: Type.String({ minLength: 1 }),
  connectionInfo: ConnectionInfo,
});
export type InstanceStarted = Static<typeof InstanceStarted>;

export const StopReason = Type.Union([Type.Literal('requested'), Type.Literal('error'), Type.Literal('timeout')]);
export type StopReason = Static<typeof StopReason>;

export const InstanceStopped = Type.Object({
  rentalId: Type.String({ minLength: 1 }),
  /** Empty when the container never started (a refused or failed start). */
  containerId: Type.String(),
  reason: StopReason,
  errorMessage: Type.Union([Type.String(), Type.Null()]),
});
export type InstanceStopped = Static<typeof InstanceStopped>;

/** The ack the control plane returns for heartbeat / instance_started / instance_stopped. */
export const Ack = Type.Object({ success: Type.Boolean() });
export type Ack = Static<typeof Ack>;

// ── backend → agent ────────────────────────────────────────────────────────

export const StartInstance = Type.Object({
  rentalId: Type.String({ minLength: 1 }),
  image: Type.String({ minLength: 1 }),
  resourceLimits: Type.Object({
    gpuIndices: Type.Array(Type.String()),
    cpuCores: Type.Number(),
    ramLimit: Type.String(),
    diskLimit: Type.String(),
  }),
  envVars: Type.Optional(Type.Record(Type.String(), Type.String())),
  proxyPortMapping: Type.Record(Type.String(), Type.Integer()),
});
export type StartInstance = Static<typeof StartInstance>;

export const StopInstance = Type.Object({
  rentalId: Type.String({ minLength: 1 }),
  containerId: Type.String(),
  graceful: Type.Optional(Type.Boolean()),
  timeoutSeconds: Type.Optional(Type.Number()),
});
export type StopInstance = Static<typeof StopInstance>;

export const DrainNode = Type.Object({
  nodeId: Type.String(),
  reason: Type.Optional(Type.String()),
});
export type DrainNode = Static<typeof DrainNode>;

/** Schemas validated at run time, by event name, both directions (validators.gen.ts turns them into `fleetValidators`). */
export const fleetValidatorSchemas = {
  heartbeat: Heartbeat,
  instance_started: InstanceStarted,
  instance_stopped: InstanceStopped,
  ack: Ack,
  start_instance: StartInstance,
  stop_instance: StopInstance,
  drain_node: DrainNode,
} as const;

/** Events the agent sends (all acked). */
export interface FleetAgentToServer {
  heartbeat: Heartbeat;
  instance_started: InstanceStarted;
  instance_stopped: InstanceStopped;
}
/** Commands the control plane sends. */
export interface FleetServerToAgent {
  start_instance: StartInstance;
  stop_instance: StopInstance;
  drain_node: DrainNode;
}
