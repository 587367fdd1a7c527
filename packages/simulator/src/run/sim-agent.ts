/**
 * One simulated host: a FleetAgent (the protocol, from the SDK) driven by a
 * HostModel (metrics) and a LifecyclePlanner (what each rental does), with
 * everything it sees recorded into the shared Report.
 *
 * Per-agent cost is kept flat: heartbeats run on the shared scheduler (the
 * host model is ticked lazily when the heartbeat asks for metrics, so there is
 * no second periodic task), and lifecycle timers exist only while a rental is
 * starting, stopping or due to fail.
 */
import { ErrorCodes, FleetAgent, type FleetwireError, type IoFactory, type RetryTimer, type StartResult } from '@fleetwire/sdk';
import type { AgentIdentity } from '../model/fleet-plan.js';
import { HostModel, randomHostSpec } from '../model/host.js';
import { LifecyclePlanner, type LifecycleOptions } from '../model/lifecycle.js';
import type { InstanceStarted, InstanceStopped, StartInstance, StopInstance } from '../model/sdk.js';
import { C, H, type Report } from '../report/report.js';
import type { PairAgent } from '../transport/source-pool.js';
import { AgentBook } from './agent-book.js';
import type { SliceAgent, SliceAgentOptions } from './slice-agent.js';

/** Errors that are not counted in the `errors` total: they are counted as disconnects / connect failures, or are planned. */

/** A lifecycle event an agent emitted, in order (for determinism and no-loss checks). */
export interface EmittedEvent {
  nodeId: string;
  event: 'instance_started' | 'instance_stopped';
  rentalId: string;
  containerId: string;
  reason?: string;
}

export interface SimAgentOptions extends SliceAgentOptions {
  io?: IoFactory;
  /**
   * Dials through this http.Agent (socket.io-client's `agent` option): a
   * PairAgent binding the slice's source pairs (source-pool.ts). The lean
   * transport binds them itself and needs none.
   */
  httpAgent?: PairAgent;
  lifecycle?: Partial<LifecycleOptions>;
  /** Receives every lifecycle event as the agent emits it (first emission only for re-reports). Off by default. */
  onEvent?: (e: EmittedEvent) => void;
  ackTimeoutMs?: number;
  /** Runs the reconnect loop's backoff timer (a slice passes the process's timer wheel). Default setTimeout. */
  retryTimer?: RetryTimer;
}

const now = (): number => performance.now();
const sleep = (ms: number, timers: Set<ReturnType<typeof setTimeout>>): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(() => {
      timers.delete(t);
      resolve();
    }, ms);
    timers.add(t);
  });

export class SimAgent implements SliceAgent {
  readonly agent: FleetAgent;
  readonly host: HostModel;
  readonly identity: AgentIdentity;
  private readonly planner: LifecyclePlanner;
  private readonly report: Report;
  private readonly opts: SimAgentOptions;
  private readonly book: AgentBook;
  /** Rentals whose start is planned to fail: their FW_HANDLER_FAILED is the plan, not an error. */
  private plannedFailures: Set<string> | null = null;
  /** Send times of lifecycle events awaiting their ack (event|rentalId → ms). */
  private eventSentAt: Map<string, number> | null = null;
  private timers: Set<ReturnType<typeof setTimeout>> | null = null;
  /** The planned crash / time-limit timer of each running rental, cancelled when it is stopped first. */
  private endTimers: Map<string, ReturnType<typeof setTimeout>> | null = null;
  private reported: Set<string> | null = null;

  constructor(opts: SimAgentOptions) {
    const id = opts.identity;
    this.opts = opts;
    this.identity = id;
    this.report = opts.report;
    this.host = new HostModel(id.rng.fork('host'), randomHostSpec(id.rng.fork('spec'), id.gpuCount, id.hostname));
    this.book = new AgentBook(opts, this.host);
    this.planner = new LifecyclePlanner(id.rng, opts.lifecycle);
    this.agent = new FleetAgent({
      url: opts.url,
      apiKey: id.key,
      nodeId: id.nodeId,
      heartbeatIntervalMs: opts.heartbeatIntervalMs,
      ...(opts.ackTimeoutMs ? { ackTimeoutMs: opts.ackTimeoutMs } : {}),
      ...(opts.retryTimer ? { retryTimer: opts.retryTimer } : {}),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      scheduler: opts.scheduler,
      metrics: () => this.metrics(),
      onStartInstance: (cmd) => this.start(cmd),
      onStopInstance: (cmd) => this.stop(cmd),
      ...(opts.io ? { io: opts.io } : {}),
      // engine.io-client types `agent` as string | boolean; in Node it hands any value to ws, which gives it to http.request.
      ...(opts.httpAgent ? { socketOptions: { agent: opts.httpAgent as unknown as string } } : {}),
    });
    this.wire();
  }

  /** Starts connecting; the connect latency is measured from here to the first `connected`. */
  connect(): void {
    this.book.connecting();
    this.agent.connect();
  }

  get connected(): boolean {
    return this.book.connected;
  }

  /** Drops the Socket.IO connection like a network failure (FleetAgent reconnects and resends). False when not connected. */
  drop(): boolean {
    if (!this.book.connected) return false;
    this.agent.dropConnection();
    return true;
  }

  /** Closes the agent and cancels its pending lifecycle timers. */
  close(): void {
    this.book.close();
    if (this.timers) for (const t of this.timers) clearTimeout(t);
    this.timers?.clear();
    this.endTimers?.clear();
    this.agent.close();
  }

  private metrics() {
    return this.book.tick().fleetMetrics();
  }

  private wire(): void {
    const a = this.agent;
    const r = this.report;
    a.on('connected', () => this.book.up());
    a.on('disconnected', () => this.book.down());
    a.on('reconnecting', (info) => this.book.retry(info));
    a.on('heartbeat', () => {
      r.count(C.heartbeatsSent);
      r.count(C.messagesSent);
    });
    a.on('heartbeat_ack', ({ rttMs }) => {
      r.count(C.heartbeatsAcked);
      r.recordLatency(H.ack, rttMs);
    });
    a.on('start_instance', () => r.count(C.startCommands));
    a.on('stop_instance', () => r.count(C.stopCommands));
    a.on('drain_node', () => {
      r.count(C.drainCommands);
      this.host.setDraining(true);
    });
    a.on('instance_started', (e) => this.sent('instance_started', e));
    a.on('instance_stopped', (e) => {
      this.sent('instance_stopped', e);
      r.count(e.reason === 'requested' ? C.instancesStopped : e.reason === 'timeout' ? C.instancesTimedOut : C.instancesFailed);
    });
    a.on('delivered', (event, payload) => {
      r.count(C.eventsAcked);
      const key = `${event}|${payload.rentalId}`;
      const t0 = this.eventSentAt?.get(key);
      if (t0 !== undefined) {
        r.recordLatency(H.eventAck, now() - t0);
        this.eventSentAt?.delete(key);
      }
    });
    a.on('error', (err: FleetwireError) => this.onError(err));
  }

  private sent(event: EmittedEvent['event'], e: InstanceStarted | InstanceStopped): void {
    this.report.count(C.eventsSent);
    this.report.count(C.messagesSent);
    (this.eventSentAt ??= new Map()).set(`${event}|${e.rentalId}`, now());
    const onEvent = this.opts.onEvent;
    if (!onEvent) return;
    // A running container is re-reported on every reconnect: the fact was emitted once.
    const key = `${event}|${e.rentalId}|${e.containerId}`;
    if ((this.reported ??= new Set()).has(key)) return;
    this.reported.add(key);
    onEvent({ nodeId: this.identity.nodeId, event, rentalId: e.rentalId, containerId: e.containerId, ...('reason' in e ? { reason: e.reason } : {}) });
  }

  private onError(err: FleetwireError): void {
    const rentalId = (err.context as { rentalId?: string } | undefined)?.rentalId;
    // A start failure the lifecycle plan chose is the plan, not an error.
    if (err.code === ErrorCodes.FW_HANDLER_FAILED && rentalId !== undefined && this.plannedFailures?.delete(rentalId)) return;
    this.book.error(err);
  }

  private async start(cmd: StartInstance): Promise<StartResult> {
    const plan = this.planner.planStart(cmd, this.agent.isDraining);
    const timers = (this.timers ??= new Set());
    await sleep(plan.delayMs, timers);
    if (plan.kind === 'fail') {
      (this.plannedFailures ??= new Set()).add(cmd.rentalId);
      throw new Error(plan.stopped.errorMessage ?? 'start failed');
    }
    const pinned = this.host.pinRental(cmd.rentalId, cmd.resourceLimits.gpuIndices);
    if (!pinned.ok) {
      (this.plannedFailures ??= new Set()).add(cmd.rentalId);
      throw new Error(pinned.message);
    }
    this.report.count(C.instancesStarted);
    const outcome = plan.outcome;
    if (outcome.kind !== 'until_stopped') {
      const t = setTimeout(() => {
        timers.delete(t);
        this.endTimers?.delete(cmd.rentalId);
        // Only if it still runs this very container (it may have been stopped meanwhile).
        if (this.agent.instances.get(cmd.rentalId)?.containerId !== plan.containerId) return;
        this.host.releaseRental(cmd.rentalId);
        this.agent.reportStopped(cmd.rentalId, outcome.kind, outcome.event.errorMessage);
      }, outcome.afterMs);
      timers.add(t);
      (this.endTimers ??= new Map()).set(cmd.rentalId, t);
    }
    return { containerId: plan.containerId, connectionInfo: plan.started.connectionInfo };
  }

  private async stop(cmd: StopInstance): Promise<{ reason: 'requested' }> {
    const containerId = cmd.containerId || this.agent.instances.get(cmd.rentalId)?.containerId || '';
    const plan = this.planner.planStop(cmd, containerId);
    // Stopped before its planned crash or time limit: that timer (up to minutes away) goes now.
    const end = this.endTimers?.get(cmd.rentalId);
    if (end !== undefined) {
      clearTimeout(end);
      this.timers?.delete(end);
      this.endTimers!.delete(cmd.rentalId);
    }
    await sleep(plan.delayMs, (this.timers ??= new Set()));
    this.host.releaseRental(cmd.rentalId);
    return { reason: 'requested' };
  }
}
