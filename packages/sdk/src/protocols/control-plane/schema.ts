/**
 * The `control-plane` dialect (docs/protocols/control-plane.md): a push-only
 * WebSocket stream of `{event: "category:action", data}`.
 *
 * The document lists 14 event names and shows payloads for three of them
 * (job:progress, job:completed, instance:status_changed); those are copied
 * field for field. The other payloads are INFERRED — the document points at a
 * contracts file we do not have — from the three examples' conventions: camelCase
 * ids (`jobId`, `jobRunId`, `instanceId`), upper-case statuses, and one ISO 8601
 * time field named after the action (`completedAt`, `changedAt`, …). Each
 * inferred schema says so. Extra fields are accepted everywhere, so a real
 * control plane with richer payloads still validates.
 */
import type { TLiteral, TObject } from '@sinclair/typebox';
import { IsoTimestamp } from '../../core/timestamp.js';
import { Type, type Static, type TSchema } from '../../core/schema.js';

export * from './constants.js';

/** Every time field: ISO 8601 (core/timestamp.ts). */
const Iso = IsoTimestamp();
const Id = Type.String({ minLength: 1 });

// ── job:* ──────────────────────────────────────────────────────────────────

/** Job statuses. The document shows `RUNNING`; the rest are inferred. Open: any string is accepted. */
export const JobStatus = Type.String({ minLength: 1 });

/** INFERRED: a new job; `type` names what it does (e.g. `INSTALL_SERVER`). */
export const JobCreated = Type.Object({ jobId: Id, jobRunId: Id, type: Type.String(), status: JobStatus, createdAt: Iso });
/** From the document. */
export const JobProgress = Type.Object({ jobId: Id, jobRunId: Id, status: JobStatus, percent: Type.Number({ minimum: 0, maximum: 100 }), message: Type.String(), timestamp: Iso });
/** From the document (`result` is job-specific: any object). */
export const JobCompleted = Type.Object({ jobId: Id, jobRunId: Id, result: Type.Record(Type.String(), Type.Unknown()), completedAt: Iso });
/** INFERRED: mirrors job:completed with an error instead of a result. */
export const JobFailed = Type.Object({
  jobId: Id,
  jobRunId: Id,
  error: Type.Object({ message: Type.String(), code: Type.Optional(Type.String()) }),
  failedAt: Iso,
});
/** INFERRED: mirrors job:completed; `reason` is optional. */
export const JobCancelled = Type.Object({ jobId: Id, jobRunId: Id, reason: Type.Optional(Type.String()), cancelledAt: Iso });

// ── instance:* ─────────────────────────────────────────────────────────────

/** Instance statuses; the document shows `RUNNING`. Open: any string. */
export const InstanceStatus = Type.String({ minLength: 1 });

/** INFERRED: a new instance, with the agent (node) it runs on. */
export const InstanceCreated = Type.Object({ instanceId: Id, agentId: Type.Optional(Type.String()), name: Type.Optional(Type.String()), status: InstanceStatus, createdAt: Iso });
/** INFERRED: the fields that changed, by name. */
export const InstanceUpdated = Type.Object({ instanceId: Id, changes: Type.Record(Type.String(), Type.Unknown()), updatedAt: Iso });
/** From the document (`previousStatus` is a fleetwire addition, optional). */
export const InstanceStatusChanged = Type.Object({ instanceId: Id, status: InstanceStatus, previousStatus: Type.Optional(Type.String()), changedAt: Iso });
/** INFERRED. */
export const InstanceDeleted = Type.Object({ instanceId: Id, deletedAt: Iso });
/** INFERRED: one log line; levels as in most loggers. */
export const LogLevel = Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]);
export const InstanceLog = Type.Object({ instanceId: Id, level: LogLevel, message: Type.String(), timestamp: Iso });

// ── agent:* ────────────────────────────────────────────────────────────────

/** INFERRED: `agentId` is the host agent's id (fleet's nodeId); `dialect` says which protocol it spoke. */
export const AgentRegistered = Type.Object({ agentId: Id, dialect: Type.Optional(Type.String()), registeredAt: Iso });
/** INFERRED: `status` is what the agent reported (e.g. fleet's online/busy/maintenance). */
export const AgentHeartbeatEvent = Type.Object({ agentId: Id, status: Type.Optional(Type.String()), timestamp: Iso });
/** INFERRED: `lastSeenAt` is the agent's last sign of life. */
export const AgentOffline = Type.Object({ agentId: Id, reason: Type.Optional(Type.String()), lastSeenAt: Iso });

// ── system:* ───────────────────────────────────────────────────────────────

/** INFERRED: a stable code, a message, optional details. */
export const SystemError = Type.Object({ code: Type.String({ minLength: 1 }), message: Type.String(), details: Type.Optional(Type.Unknown()), timestamp: Iso });

/** Payload schema by event name: the one table of the dialect. */
export const ControlPlanePayloads = {
  'job:created': JobCreated,
  'job:progress': JobProgress,
  'job:completed': JobCompleted,
  'job:failed': JobFailed,
  'job:cancelled': JobCancelled,
  'instance:created': InstanceCreated,
  'instance:updated': InstanceUpdated,
  'instance:status_changed': InstanceStatusChanged,
  'instance:deleted': InstanceDeleted,
  'instance:log': InstanceLog,
  'agent:registered': AgentRegistered,
  'agent:heartbeat': AgentHeartbeatEvent,
  'agent:offline': AgentOffline,
  'system:error': SystemError,
} as const;

type PayloadSchemas = typeof ControlPlanePayloads;
/** Every event name of the document. */
export type ControlPlaneEventName = keyof PayloadSchemas;
/** The payload type of each event. */
export type ControlPlanePayload = { [E in ControlPlaneEventName]: Static<PayloadSchemas[E]> };
/** One message on the wire. */
export type ControlPlaneMessage<E extends ControlPlaneEventName = ControlPlaneEventName> = { [K in E]: { event: K; data: ControlPlanePayload[K] } }[E];

export const CONTROL_PLANE_EVENTS = Object.keys(ControlPlanePayloads) as ControlPlaneEventName[];

/** Categories of the document. */
export type ControlPlaneCategory = ControlPlaneEventName extends `${infer C}:${string}` ? C : never;
export const CONTROL_PLANE_CATEGORIES = [...new Set(CONTROL_PLANE_EVENTS.map((e) => e.split(':')[0]))] as ControlPlaneCategory[];

function envelope<E extends string, S extends TSchema>(event: E, data: S) {
  return Type.Object({ event: Type.Literal(event), data });
}

/**
 * Schemas of whole messages `{event, data}`, by event name (validators.gen.ts:
 * `controlPlaneValidators`). The type is spelled out with public names: one
 * inferred from the private `envelope` helper was emitted into the bundled .d.ts
 * as `typeof envelope`, which does not exist there (TS2304 for every consumer
 * without skipLibCheck; test/pack/consumer.test.ts compiles one).
 */
export const controlPlaneValidatorSchemas = Object.fromEntries(CONTROL_PLANE_EVENTS.map((e) => [e, envelope(e, ControlPlanePayloads[e])])) as {
  [E in ControlPlaneEventName]: TObject<{ event: TLiteral<E>; data: PayloadSchemas[E] }>;
};

export type JobCreated = Static<typeof JobCreated>;
export type JobProgress = Static<typeof JobProgress>;
export type JobCompleted = Static<typeof JobCompleted>;
export type JobFailed = Static<typeof JobFailed>;
export type JobCancelled = Static<typeof JobCancelled>;
export type InstanceCreated = Static<typeof InstanceCreated>;
export type InstanceUpdated = Static<typeof InstanceUpdated>;
export type InstanceStatusChanged = Static<typeof InstanceStatusChanged>;
export type InstanceDeleted = Static<typeof InstanceDeleted>;
export type InstanceLog = Static<typeof InstanceLog>;
export type AgentRegistered = Static<typeof AgentRegistered>;
export type AgentHeartbeatEvent = Static<typeof AgentHeartbeatEvent>;
export type AgentOffline = Static<typeof AgentOffline>;
export type SystemError = Static<typeof SystemError>;
