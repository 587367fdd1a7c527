/**
 * Container lifecycle decisions for a simulated host (fleet.md start_instance /
 * stop_instance / drain_node). Pure: it returns plans — delays, payloads,
 * outcomes — and the runner executes them with its scheduler and the SDK agent.
 *
 * Every decision about a rental is drawn from a stream forked from the agent's
 * stream by rentalId, so a rental's fate does not depend on when commands
 * arrive or what else happened first: same seed + same rentalId → same plan.
 */
import type { Rng } from './rng.js';
import { invalidArgument, type InstanceStarted, type InstanceStopped, type StartInstance, type StopInstance } from './sdk.js';

/** A [min, max] range in milliseconds, drawn uniformly. */
export type MsRange = readonly [number, number];

/** Tunables of the lifecycle model. Every field has a default ({@link DEFAULT_LIFECYCLE}). */
export interface LifecycleOptions {
  /** Image pull time. Default [500, 3000] ms. */
  pullDelayMs: MsRange;
  /** Container start time after the pull. Default [100, 800] ms. */
  startDelayMs: MsRange;
  /** Probability that a start fails (pull denied, driver mismatch…): `instance_stopped` reason `error`, empty containerId. Default 0.02. */
  startFailureRate: number;
  /** Probability that a started container later crashes (`instance_stopped` reason `error`). Default 0.05. */
  runFailureRate: number;
  /** Probability that a started container hits its time limit (`instance_stopped` reason `timeout`). Default 0.02. */
  timeoutRate: number;
  /** How long a crashing container runs before it crashes. Default [5_000, 120_000] ms. */
  failAfterMs: MsRange;
  /** How long a timing-out container runs before its limit. Default [60_000, 600_000] ms. */
  timeoutAfterMs: MsRange;
  /** Graceful stop time, clamped to the command's `timeoutSeconds`. Default [200, 2000] ms. */
  gracefulStopMs: MsRange;
  /** Forced stop (`graceful: false`) time. Default [20, 200] ms. */
  killStopMs: MsRange;
  /** `connectionInfo.sshHost` reported for every container. Default `proxy.fleetwire.test`. */
  sshHost: string;
}

export const DEFAULT_LIFECYCLE: Readonly<LifecycleOptions> = Object.freeze<LifecycleOptions>({
  pullDelayMs: [500, 3000],
  startDelayMs: [100, 800],
  startFailureRate: 0.02,
  runFailureRate: 0.05,
  timeoutRate: 0.02,
  failAfterMs: [5_000, 120_000],
  timeoutAfterMs: [60_000, 600_000],
  gracefulStopMs: [200, 2000],
  killStopMs: [20, 200],
  sshHost: 'proxy.fleetwire.test',
});

/** How a started container ends unless it is stopped first. */
export type RunOutcome =
  | { kind: 'until_stopped' }
  | { kind: 'error' | 'timeout'; /** ms after `instance_started` */ afterMs: number; event: InstanceStopped };

/** What to do with a start_instance. */
export type StartPlan =
  /** After `delayMs`, pin the GPUs, emit `started`, then follow `outcome`. */
  | { kind: 'start'; delayMs: number; containerId: string; started: InstanceStarted; outcome: RunOutcome }
  /** After `delayMs`, emit `stopped` (reason `error`, empty containerId); nothing ran. */
  | { kind: 'fail'; delayMs: number; stopped: InstanceStopped };

/** What to do with a stop_instance: after `delayMs`, release and emit `stopped` (reason `requested`). */
export interface StopPlan {
  delayMs: number;
  stopped: InstanceStopped;
}

const START_ERRORS = [
  'pull access denied for image: repository does not exist or may require authorization',
  'failed to create task: nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.2',
  'no space left on device while extracting image layer',
  'OCI runtime create failed: container init exited early',
] as const;
const RUN_ERRORS = [
  'container exited with code 137 (OOMKilled)',
  'container exited with code 1',
  'CUDA error: an illegal memory access was encountered (exit code 134)',
  'Xid 79: GPU has fallen off the bus',
] as const;

function checkRate(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) invalidArgument(`lifecycle: ${name} must be a probability in [0, 1], got ${p}`);
}
function checkRange(name: string, r: MsRange): void {
  if (!(r[0] >= 0 && r[1] >= r[0])) invalidArgument(`lifecycle: ${name} must be [min, max] with 0 <= min <= max, got [${r[0]}, ${r[1]}]`);
}

const draw = (rng: Rng, r: MsRange): number => Math.round(rng.range(r[0], r[1]));

/**
 * Splits `proxyPortMapping` into fleet `connectionInfo`: container port 22 is
 * the SSH port, every other entry goes to `additionalPorts`. Returns null when
 * there is no port 22 (the start then fails with a message saying so).
 */
export function connectionInfoFrom(sshHost: string, mapping: Readonly<Record<string, number>>): InstanceStarted['connectionInfo'] | null {
  const sshPort = mapping['22'];
  if (sshPort === undefined) return null;
  const additionalPorts: Record<string, number> = {};
  for (const [port, hostPort] of Object.entries(mapping)) if (port !== '22') additionalPorts[port] = hostPort;
  return { sshHost, sshPort, additionalPorts };
}

/** Decides the fate of each rental on one agent. */
export class LifecyclePlanner {
  readonly options: Readonly<LifecycleOptions>;
  private readonly rng: Rng;

  /**
   * @param agentRng the agent's stream; only its key is used (forks), never its state
   * @param options overrides of {@link DEFAULT_LIFECYCLE}; checked up front
   */
  constructor(agentRng: Rng, options: Partial<LifecycleOptions> = {}) {
    const o: LifecycleOptions = { ...DEFAULT_LIFECYCLE, ...options };
    for (const k of ['startFailureRate', 'runFailureRate', 'timeoutRate'] as const) checkRate(k, o[k]);
    if (o.runFailureRate + o.timeoutRate > 1) {
      invalidArgument(`lifecycle: runFailureRate + timeoutRate must be <= 1, got ${o.runFailureRate + o.timeoutRate}`);
    }
    for (const k of ['pullDelayMs', 'startDelayMs', 'failAfterMs', 'timeoutAfterMs', 'gracefulStopMs', 'killStopMs'] as const) checkRange(k, o[k]);
    this.options = Object.freeze(o);
    this.rng = agentRng.fork('lifecycle');
  }

  /**
   * Plans a start_instance. A draining host refuses at once (fleet.md
   * drain_node: "stop accepting new rentals").
   */
  planStart(cmd: StartInstance, draining = false): StartPlan {
    const o = this.options;
    const rng = this.rng.fork(`start:${cmd.rentalId}`);
    const fail = (delayMs: number, errorMessage: string): StartPlan => ({
      kind: 'fail',
      delayMs,
      stopped: { rentalId: cmd.rentalId, containerId: '', reason: 'error', errorMessage },
    });
    if (draining) return fail(0, 'node is draining (maintenance): not accepting new rentals');
    const connectionInfo = connectionInfoFrom(o.sshHost, cmd.proxyPortMapping);
    if (!connectionInfo) return fail(0, 'proxyPortMapping has no entry for container port 22 (ssh)');
    // Draw every number in a fixed order, whatever the branch, so adding a
    // branch later does not shift the others.
    const pull = draw(rng, o.pullDelayMs);
    const start = draw(rng, o.startDelayMs);
    const startFails = rng.chance(o.startFailureRate);
    const startError = rng.pick(START_ERRORS);
    const containerId = rng.hex(64);
    const fate = rng.float();
    const failAfter = draw(rng, o.failAfterMs);
    const runError = rng.pick(RUN_ERRORS);
    const timeoutAfter = draw(rng, o.timeoutAfterMs);
    if (startFails) return fail(pull, startError);

    let outcome: RunOutcome = { kind: 'until_stopped' };
    if (fate < o.runFailureRate) {
      outcome = { kind: 'error', afterMs: failAfter, event: { rentalId: cmd.rentalId, containerId, reason: 'error', errorMessage: runError } };
    } else if (fate < o.runFailureRate + o.timeoutRate) {
      outcome = {
        kind: 'timeout',
        afterMs: timeoutAfter,
        event: { rentalId: cmd.rentalId, containerId, reason: 'timeout', errorMessage: null },
      };
    }
    return {
      kind: 'start',
      delayMs: pull + start,
      containerId,
      started: { rentalId: cmd.rentalId, containerId, connectionInfo },
      outcome,
    };
  }

  /**
   * Plans a stop_instance: graceful (the default) takes `gracefulStopMs`,
   * never longer than the command's `timeoutSeconds`; `graceful: false` takes `killStopMs`.
   * @param containerId the container the agent runs for this rental (the command's own when omitted)
   */
  planStop(cmd: StopInstance, containerId: string = cmd.containerId): StopPlan {
    const o = this.options;
    const rng = this.rng.fork(`stop:${cmd.rentalId}`);
    let delayMs = cmd.graceful === false ? draw(rng, o.killStopMs) : draw(rng, o.gracefulStopMs);
    if (cmd.graceful !== false && typeof cmd.timeoutSeconds === 'number' && cmd.timeoutSeconds >= 0) {
      delayMs = Math.min(delayMs, cmd.timeoutSeconds * 1000);
    }
    return { delayMs, stopped: { rentalId: cmd.rentalId, containerId, reason: 'requested', errorMessage: null } };
  }
}
