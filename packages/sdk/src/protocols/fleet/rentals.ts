/**
 * The rental side of a FleetAgent: which containers run or are starting,
 * whether the node drains, and how start_instance / stop_instance commands
 * become the lifecycle events fleet.md expects. No sockets here: the agent
 * delivers (acked, in order) what this decides.
 */
import { ErrorCodes, messageOf, type ErrorCode } from '../../core/errors.js';
import { fleetValidators as V } from './validators.gen.js';
import type { ConnectionInfo, InstanceStarted, InstanceStopped, NodeStatus, StartInstance, StopInstance } from './schema.js';
import type { StartError, StartResult, StopResult } from './events.js';

export interface RunningInstance {
  containerId: string;
  connectionInfo: ConnectionInfo;
}

/** What the agent lends the rental book. */
export interface RentalHost {
  readonly nodeId: string;
  onStartInstance?: (cmd: StartInstance) => StartResult | Promise<StartResult>;
  /** The connectionInfo of a start whose handler returned none (throws when it cannot be derived). */
  connectionInfo(cmd: StartInstance): ConnectionInfo;
  onStopInstance?: (cmd: StopInstance) => StopResult | void | Promise<StopResult | void>;
  /** Queues one lifecycle event for acked delivery. */
  lifecycle(event: 'instance_started' | 'instance_stopped', payload: InstanceStarted | InstanceStopped): void;
  fail(code: ErrorCode, message: string, context?: Record<string, unknown>, cause?: unknown): void;
  /** Draining finished: nothing runs any more. */
  drained(): void;
}

export class Rentals {
  readonly running = new Map<string, RunningInstance>();
  /** Rentals whose start handler is running. */
  private readonly starting = new Set<string>();
  private draining = false;
  private wasDrained = false;

  constructor(private readonly host: RentalHost) {}

  get isDraining(): boolean {
    return this.draining;
  }

  /** `maintenance` once drained, `busy` while a rental runs or starts, else `online`. */
  get status(): NodeStatus {
    const active = this.running.size + this.starting.size;
    if (this.draining && active === 0) return 'maintenance';
    return active > 0 ? 'busy' : 'online';
  }

  /** start_instance: refuse while draining, dedupe repeats, run the handler, report the outcome. */
  async start(cmd: StartInstance): Promise<void> {
    const { host } = this;
    const { rentalId } = cmd;
    if (this.draining) {
      host.lifecycle('instance_stopped', { rentalId, containerId: '', reason: 'error', errorMessage: `node ${host.nodeId} is draining: not accepting new rentals` });
      return;
    }
    const existing = this.running.get(rentalId);
    if (existing) {
      // The control plane repeated a command; the fact is the same, report it again.
      host.lifecycle('instance_started', { rentalId, containerId: existing.containerId, connectionInfo: existing.connectionInfo });
      return;
    }
    if (this.starting.has(rentalId)) return;
    if (!host.onStartInstance) {
      host.lifecycle('instance_stopped', { rentalId, containerId: '', reason: 'error', errorMessage: 'agent has no start_instance handler' });
      return;
    }
    this.starting.add(rentalId);
    try {
      const result = await host.onStartInstance(cmd);
      const started = { rentalId, containerId: result?.containerId, connectionInfo: result?.connectionInfo ?? host.connectionInfo(cmd) };
      if (!V.instance_started.check(started)) {
        throw new Error(`start_instance handler returned an invalid result: ${V.instance_started.explain(started).join('; ')}`);
      }
      this.running.set(rentalId, { containerId: started.containerId, connectionInfo: started.connectionInfo });
      host.lifecycle('instance_started', started);
    } catch (err) {
      host.fail(ErrorCodes.FW_HANDLER_FAILED, `start_instance ${rentalId} failed: ${messageOf(err)}`, { rentalId }, err);
      const containerId = (err as StartError)?.containerId ?? '';
      host.lifecycle('instance_stopped', { rentalId, containerId, reason: 'error', errorMessage: messageOf(err) });
    } finally {
      this.starting.delete(rentalId);
      this.checkDrained();
    }
  }

  /** stop_instance: run the handler (a throw is reason `error`), report instance_stopped. */
  async stop(cmd: StopInstance): Promise<void> {
    const { host } = this;
    const { rentalId } = cmd;
    const containerId = cmd.containerId || this.running.get(rentalId)?.containerId || '';
    let stopped: InstanceStopped;
    try {
      if (!host.onStopInstance) throw new Error('agent has no stop_instance handler');
      const r = (await host.onStopInstance(cmd)) ?? {};
      stopped = { rentalId, containerId, reason: r.reason ?? 'requested', errorMessage: r.errorMessage ?? null };
    } catch (err) {
      host.fail(ErrorCodes.FW_HANDLER_FAILED, `stop_instance ${rentalId} failed: ${messageOf(err)}`, { rentalId }, err);
      stopped = { rentalId, containerId, reason: 'error', errorMessage: messageOf(err) };
    }
    this.running.delete(rentalId);
    host.lifecycle('instance_stopped', stopped);
    this.checkDrained();
  }

  /** drain_node: no new rentals from now on; `drained()` once nothing runs. */
  drain(): void {
    this.draining = true;
    this.checkDrained();
  }

  /** A container that ended by itself (crash, time limit). */
  ended(rentalId: string, reason: InstanceStopped['reason'], errorMessage: string | null): void {
    const r = this.running.get(rentalId);
    this.running.delete(rentalId);
    this.host.lifecycle('instance_stopped', { rentalId, containerId: r?.containerId ?? '', reason, errorMessage });
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.draining && !this.wasDrained && this.status === 'maintenance') {
      this.wasDrained = true;
      this.host.drained();
    }
  }
}
