/**
 * The control-plane event bus: turns the mock backend's state into the
 * document's `{event:"category:action", data}` messages. Every message is
 * validated against the SDK's schema before it goes out, so the mock can
 * never send what a conforming client would reject.
 *
 * Sources (each mapping is an inference where control-plane.md is silent):
 * - FleetState: node online → agent:registered, heartbeat → agent:heartbeat
 *   (throttled per node), offline → agent:offline; a new instance_started fact
 *   → instance:created (status RUNNING); instance_stopped → instance:status_changed
 *   (STOPPED, or FAILED when the reason is `error`) plus an instance:log line
 *   carrying the error message when there is one.
 * - JobsState: created/progress/completed/failed/cancelled → job:*.
 * - Programmatic helpers for what no state produces yet: instance:updated,
 *   instance:deleted, instance:log, system:error (and publish() for anything).
 */
import { EventEmitter } from 'eventemitter3';
import type { FleetState, InstanceFact, NodeRecord } from '../state/fleet.js';
import type { JobRecord, JobsState } from '../state/jobs.js';
import type { fleet } from '@fleetwire/sdk';
import { controlPlane as cp } from '@fleetwire/sdk';
import { own } from '../own.js';

type Name = cp.ControlPlaneEventName;
type Msg = cp.ControlPlaneMessage;

export interface ControlPlaneBusEvents {
  /** Every message published, already validated. */
  message: (msg: Msg) => void;
}

export interface FleetBridgeOptions {
  /** At most one agent:heartbeat per node per this many ms; 0 forwards every heartbeat. Default 30000. */
  heartbeatThrottleMs?: number;
}

const now = () => new Date().toISOString();

export class ControlPlaneBus extends EventEmitter<ControlPlaneBusEvents> {
  /** Messages published per event name. */
  readonly counts = new Map<Name, number>();

  /** Validates and publishes one event. Throws on an invalid payload: that is a bug in the caller. */
  publish<E extends Name>(event: E, data: cp.ControlPlanePayload[E]): Msg {
    const msg = { event, data } as Msg;
    const v = own(cp.controlPlaneValidators as Record<string, { check(x: unknown): boolean; explain(x: unknown): string[] }>, event);
    if (!v) throw new Error(`control-plane bus: unknown event ${JSON.stringify(event)}`);
    if (!v.check(msg)) throw new Error(`control-plane bus: invalid ${event}: ${v.explain(msg).join('; ')}`);
    this.counts.set(event, (this.counts.get(event) ?? 0) + 1);
    this.emit('message', msg);
    return msg;
  }

  instanceUpdated(instanceId: string, changes: Record<string, unknown>): Msg {
    return this.publish('instance:updated', { instanceId, changes, updatedAt: now() });
  }

  instanceDeleted(instanceId: string): Msg {
    return this.publish('instance:deleted', { instanceId, deletedAt: now() });
  }

  instanceLog(instanceId: string, message: string, level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Msg {
    return this.publish('instance:log', { instanceId, level, message, timestamp: now() });
  }

  systemError(code: string, message: string, details?: unknown): Msg {
    return this.publish('system:error', { code, message, ...(details === undefined ? {} : { details }), timestamp: now() });
  }

  /** Follows a FleetState; returns the function that stops following. */
  followFleet(state: FleetState, options: FleetBridgeOptions = {}): () => void {
    const throttle = options.heartbeatThrottleMs ?? 30_000;
    const lastBeat = new Map<string, number>();
    const on = {
      'node:online': (n: NodeRecord) => {
        lastBeat.delete(n.nodeId); // the first heartbeat after (re)registering always goes out
        this.publish('agent:registered', { agentId: n.nodeId, dialect: 'fleet', registeredAt: n.connectedAt ?? now() });
      },
      'node:heartbeat': (n: NodeRecord, hb: fleet.Heartbeat) => {
        const t = Date.now();
        const prev = lastBeat.get(n.nodeId);
        if (throttle > 0 && prev !== undefined && t - prev < throttle) return;
        lastBeat.set(n.nodeId, t);
        this.publish('agent:heartbeat', { agentId: n.nodeId, status: hb.status, timestamp: n.lastHeartbeatAt ?? now() });
      },
      'node:offline': (n: NodeRecord) => {
        lastBeat.delete(n.nodeId);
        this.publish('agent:offline', { agentId: n.nodeId, reason: 'disconnected', lastSeenAt: n.lastHeartbeatAt ?? n.connectedAt ?? now() });
      },
      'instance:started': (f: InstanceFact) => {
        this.publish('instance:created', { instanceId: f.rentalId, agentId: f.nodeId, name: f.containerId, status: 'RUNNING', createdAt: f.firstAt });
      },
      'instance:stopped': (f: InstanceFact) => {
        const p = f.payload as fleet.InstanceStopped;
        const status = p.reason === 'error' ? 'FAILED' : 'STOPPED';
        const wasStarted = state.factsOf('instance_started', f.rentalId).length > 0;
        this.publish('instance:status_changed', { instanceId: f.rentalId, status, ...(wasStarted ? { previousStatus: 'RUNNING' } : {}), changedAt: f.firstAt });
        if (p.errorMessage) this.publish('instance:log', { instanceId: f.rentalId, level: 'error', message: p.errorMessage, timestamp: f.firstAt });
      },
    };
    for (const [e, fn] of Object.entries(on)) state.on(e as keyof typeof on, fn as never);
    return () => {
      for (const [e, fn] of Object.entries(on)) state.off(e as keyof typeof on, fn as never);
    };
  }

  /** Follows a JobsState; returns the function that stops following. */
  followJobs(jobs: JobsState): () => void {
    const on = {
      created: (j: JobRecord) => this.publish('job:created', { jobId: j.jobId, jobRunId: j.jobRunId, type: j.type, status: j.status, createdAt: j.createdAt }),
      progress: (j: JobRecord) =>
        this.publish('job:progress', { jobId: j.jobId, jobRunId: j.jobRunId, status: j.status, percent: j.percent, message: j.message, timestamp: j.updatedAt }),
      completed: (j: JobRecord) => this.publish('job:completed', { jobId: j.jobId, jobRunId: j.jobRunId, result: j.result ?? {}, completedAt: j.endedAt ?? now() }),
      failed: (j: JobRecord) =>
        this.publish('job:failed', { jobId: j.jobId, jobRunId: j.jobRunId, error: j.error ?? { message: 'failed' }, failedAt: j.endedAt ?? now() }),
      cancelled: (j: JobRecord) =>
        this.publish('job:cancelled', { jobId: j.jobId, jobRunId: j.jobRunId, ...(j.cancelReason ? { reason: j.cancelReason } : {}), cancelledAt: j.endedAt ?? now() }),
    };
    for (const [e, fn] of Object.entries(on)) jobs.on(e as keyof typeof on, fn as never);
    return () => {
      for (const [e, fn] of Object.entries(on)) jobs.off(e as keyof typeof on, fn as never);
    };
  }
}
