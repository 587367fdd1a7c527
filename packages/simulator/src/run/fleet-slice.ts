/**
 * Runs a contiguous slice of the fleet plan in this thread: creates the agents
 * at the ramp rate, one shared scheduler for every periodic task (heartbeats,
 * metrics, flapping, random disconnects), and the chaos each agent was drawn
 * for. The agents speak the slice's dialect: fleet (SimAgent), monitor or
 * vstats (ws-agents.ts); ramp, chaos and the connected gauge are the same.
 */
import type { BackoffOptions, IoFactory, RetryTimer, SharedScheduler } from '@fleetwire/sdk';
import { io as socketIoClient } from 'socket.io-client';
import type { ChaosOptions, Dialect, FleetTransport } from '../cli/args.js';
import type { FleetPlan } from '../model/fleet-plan.js';
import type { LifecycleOptions } from '../model/lifecycle.js';
import { Rng } from '../model/rng.js';
import { C, G, type Report } from '../report/report.js';
import { chaosIo } from './chaos-socket.js';
import { RampGate } from './ramp.js';
import { SimAgent, type EmittedEvent } from './sim-agent.js';
import { StormBook, type StormStart } from './storm-book.js';
import type { SliceAgent } from './slice-agent.js';
import { SimMonitorAgent, SimVStatsAgent } from './ws-agents.js';
import { leanIo } from '../transport/lean-io.js';
import { defaultHub } from '../transport/hub.js';
import { PairAgent, SourcePool, type SourcePairs } from '../transport/source-pool.js';
import { wheelRetryTimer, wheelScheduler } from '../transport/wheel-scheduler.js';

export interface SliceOptions {
  /** What the agents speak. Default 'fleet'. */
  dialect?: Dialect;
  url: string;
  plan: FleetPlan;
  /** Agent indices [start, end) of the whole fleet. */
  start: number;
  end: number;
  rampPerSec: number;
  heartbeatIntervalMs: number;
  /**
   * fleet: the socket under each FleetAgent. 'lean' (default): one `ws` per
   * agent, one timer wheel and ack table per process (src/transport/);
   * 'socket.io-client': the SDK default, for comparison.
   */
  transport?: FleetTransport;
  chaos: ChaosOptions;
  /**
   * Source (address, port) pairs the agents' sockets bind: two per agent, from
   * the slice's own SourcePool (src/transport/source-pool.ts). Absent: the OS picks.
   */
  sources?: SourcePairs | null;
  /** The agents' reconnect backoff; absent: the SDK's defaults. */
  backoff?: BackoffOptions | null;
  seed: string;
  report: Report;
  lifecycle?: Partial<LifecycleOptions>;
  onEvent?: (e: EmittedEvent) => void;
  ackTimeoutMs?: number;
  /**
   * At most this many agents may be on their first connection attempt at once
   * (ramp.ts). Default: 2 × rampPerSec (two seconds' worth), at least 1.
   */
  maxConnectsInFlight?: number;
  /** Keep reconnect-storm figures (`--scenario storm`): the slice then takes {@link FleetSlice.storm} calls. Default false. */
  storms?: boolean;
}

/** `base`, with every socket's connect() (one per connection attempt: FleetAgent owns the retries) reported to `book`. */
function dialCounting(base: IoFactory, book: StormBook): IoFactory {
  return (url, options) => {
    const socket = base(url, options);
    const connect = socket.connect.bind(socket);
    socket.connect = () => {
      book.dial();
      return connect();
    };
    return socket;
  };
}

/** How often the ramp looks whether it may start agents. */
const RAMP_TICK_MS = 10;

/** Draws k ~ Poisson(lambda) (Knuth for small lambda, normal approximation above 30). */
function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(rng.normal(lambda, Math.sqrt(lambda))));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.float();
  } while (p > l);
  return k - 1;
}

const CHAOS_TICK_MS = 250;

/**
 * A slice of agents. `A` is the agent class of the slice's dialect: SimAgent
 * (the default, fleet), SimMonitorAgent or SimVStatsAgent.
 */
export class FleetSlice<A extends SliceAgent = SimAgent> {
  readonly agents: A[] = [];
  readonly scheduler: SharedScheduler;
  private connected = 0;
  private rampTimer: ReturnType<typeof setInterval> | null = null;
  private readonly chaosRng: Rng;
  private startedAt = 0;
  private allConnectedResolve: (() => void) | null = null;
  /** Resolves when every agent of the slice has connected once (chaos may have dropped some since). */
  readonly allConnected: Promise<void>;
  /** ms from start until every agent had connected once; null until then. */
  rampMs: number | null = null;
  private firstConnects = 0;
  /** What every agent reports back to the slice: one set of closures for the slice, not three per agent. */
  private readonly hooks = {
    onConnectedChange: (d: number) => this.onConnectedChange(d),
    onFirstConnect: () => {
      if (++this.firstConnects === this.target) {
        this.rampMs = performance.now() - this.startedAt;
        this.allConnectedResolve?.();
      }
    },
    onFirstAttemptEnd: () => {
      this.connectsInFlight--;
    },
  };
  /** The `io` factory every fleet agent of the slice gets (chaos wraps it per agent). */
  private readonly io: IoFactory;
  /** Fleet agents' reconnect backoff timers, on the same wheel. */
  private readonly retryTimer: RetryTimer;
  /** Reconnect-storm bookkeeping; null unless `storms` was asked for. */
  readonly stormBook: StormBook | null;
  /** The slice's source pairs; null when the OS picks. */
  private readonly pool: SourcePool | null;
  private readonly pairAgent: PairAgent | null;
  /** Agents whose first connection attempt has not ended yet. */
  private connectsInFlight = 0;
  /** The most that were ever in flight at once (tests, bench). */
  peakConnectsInFlight = 0;

  constructor(private readonly o: SliceOptions) {
    const rng = new Rng(o.seed).fork(`slice:${o.start}`);
    this.chaosRng = rng.fork('disconnects');
    const spread = rng.fork('spread');
    // On the process's timer wheel, with the lean sockets' deadlines: one timer for all of it (wheel-scheduler.ts).
    this.scheduler = wheelScheduler(defaultHub().wheel, { spread: true, random: () => spread.float() });
    this.allConnected = new Promise((r) => (this.allConnectedResolve = r));
    this.pool = o.sources ? new SourcePool(o.sources, o.start, o.end) : null;
    // socket.io-client passes no port of its own: it dials through an http.Agent that binds the pairs.
    this.pairAgent = this.pool && o.transport === 'socket.io-client' ? new PairAgent(this.pool) : null;
    const io = o.transport === 'socket.io-client' ? (socketIoClient as unknown as IoFactory) : leanIo(defaultHub(), this.pool);
    this.retryTimer = wheelRetryTimer(defaultHub().wheel);
    this.stormBook = o.storms ? new StormBook(o.report) : null;
    // Storm runs count fleet agents' dials as they happen (storm-book.ts); a wrapper per socket only then.
    const countDials = this.stormBook !== null && (o.dialect ?? 'fleet') === 'fleet';
    if (countDials) this.stormBook!.dialsCounted = true;
    this.io = countDials ? dialCounting(io, this.stormBook!) : io;
    o.report.setGauge(G.target, o.end - o.start);
    o.report.setGauge(G.connected, 0);
  }

  get target(): number {
    return this.o.end - this.o.start;
  }

  get connectedCount(): number {
    return this.connected;
  }

  /**
   * Starts the ramp: agents start connecting at `rampPerSec`, evenly, never in
   * a burst after a stalled loop and never more first attempts in flight than
   * `maxConnectsInFlight` (ramp.ts).
   */
  start(): void {
    this.startedAt = performance.now();
    const total = this.target;
    const gate = new RampGate({ ratePerSec: this.o.rampPerSec, ...(this.o.maxConnectsInFlight ? { maxInFlight: this.o.maxConnectsInFlight } : {}) });
    const tick = () => {
      const n = Math.min(total - this.agents.length, gate.take(performance.now(), this.connectsInFlight));
      for (let i = 0; i < n; i++) this.addAgent(this.o.start + this.agents.length);
      if (this.agents.length >= total && this.rampTimer) {
        clearInterval(this.rampTimer);
        this.rampTimer = null;
      }
    };
    tick();
    if (this.agents.length < total) this.rampTimer = setInterval(tick, RAMP_TICK_MS);
    const c = this.o.chaos;
    if (c.disconnectRate > 0) {
      const lambda = (c.disconnectRate / 60_000) * CHAOS_TICK_MS;
      this.scheduler.every(CHAOS_TICK_MS, () => {
        const k = poisson(this.chaosRng, lambda * this.agents.length);
        for (let i = 0; i < k; i++) this.drop(this.chaosRng.pick(this.agents));
      });
    }
  }

  /**
   * A reconnect storm starts now: from here on re-admissions and attempts are
   * binned under it; with `s.drop` (partition) every connected agent's socket
   * is dropped in this one synchronous pass, the way a network partition or a
   * load balancer reset would cut them all at once.
   */
  storm(s: StormStart): void {
    if (!this.stormBook) throw new Error('this slice was not started with storms: true');
    this.stormBook.begin(s, this.target, this.connected);
    if (s.drop) for (const a of this.agents) a.drop();
  }

  private drop(a: A): void {
    if (a.drop()) this.o.report.count(C.chaosDisconnects);
  }

  private addAgent(index: number): void {
    const o = this.o;
    const identity = o.plan.agent(index);
    const c = o.chaos;
    // Each agent's chaos role comes from its own stream: the same agents are slow or flap in every run of a seed.
    const crng = identity.rng.fork('chaos');
    const flaps = crng.chance(c.flapShare);
    const slow = c.slowAck !== null && crng.chance(c.slowAck.share);
    const report = o.report;
    const common = {
      identity,
      url: o.url,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      scheduler: this.scheduler,
      report,
      ...(o.backoff ? { backoff: o.backoff } : {}),
      ...this.hooks,
      ...(this.stormBook ? { storm: this.stormBook } : {}),
    };
    let a: SliceAgent;
    const dialect = o.dialect ?? 'fleet';
    if (dialect === 'fleet') {
      const io = chaosIo(
        {
          ackDelayMs: slow && c.slowAck ? c.slowAck.delayMs : 0,
          malformedShare: c.malformedShare,
          rng: crng.fork('malformed'),
          onSlowAck: () => report.count(C.chaosSlowAcks),
          onMalformed: () => report.count(C.chaosMalformed),
        },
        this.io,
      );
      a = new SimAgent({
        ...common,
        io,
        ...(this.pairAgent ? { httpAgent: this.pairAgent } : {}),
        ...(o.lifecycle ? { lifecycle: o.lifecycle } : {}),
        ...(o.onEvent ? { onEvent: o.onEvent } : {}),
        ...(o.ackTimeoutMs ? { ackTimeoutMs: o.ackTimeoutMs } : {}),
        retryTimer: this.retryTimer,
      });
    } else {
      const ws = {
        ...common,
        socket: {
          ...(this.pool ? { sources: this.pool } : {}),
          malformedShare: c.malformedShare,
          rng: crng.fork('malformed'),
          onMalformed: () => report.count(C.chaosMalformed),
        },
        answerDelayMs: slow && c.slowAck ? c.slowAck.delayMs : 0,
      };
      a = dialect === 'monitor' ? new SimMonitorAgent(ws) : new SimVStatsAgent(ws);
    }
    this.agents.push(a as A);
    this.connectsInFlight++;
    if (this.connectsInFlight > this.peakConnectsInFlight) this.peakConnectsInFlight = this.connectsInFlight;
    if (flaps) this.scheduler.every(c.flapPeriodMs, () => this.drop(a as A));
    a.connect();
  }

  private onConnectedChange(delta: number): void {
    this.connected += delta;
    this.o.report.setGauge(G.connected, this.connected);
  }

  /** Freezes the gauges (connected as of now) and closes every agent. */
  async stop(): Promise<void> {
    if (this.rampTimer) clearInterval(this.rampTimer);
    this.rampTimer = null;
    const r = this.o.report;
    r.setGauge(G.connected, this.connected);
    if (this.rampMs !== null) r.setGauge('ramp_per_sec', Math.round((this.target * 1000) / Math.max(1, this.rampMs)));
    this.scheduler.stop();
    await this.drainAcks();
    const connectedAtEnd = this.connected;
    this.stormBook?.finish(); // the watch ends when the agents close (re-admissions during the ack drain still count)
    for (const a of this.agents) a.close();
    r.setGauge(G.connected, connectedAtEnd);
    // Let socket close frames go out before the caller tears down the backend.
    await new Promise((res) => setTimeout(res, 50));
  }

  /**
   * Heartbeats sent just before the stop are still waiting for their acks;
   * closing now would count them as unacknowledged. Wait (no new heartbeats go
   * out: the scheduler is stopped) until every one is acked, or acks stop
   * coming for 1 s, or 3 s passed.
   */
  private async drainAcks(): Promise<void> {
    const r = this.o.report;
    const deadline = Date.now() + 3000;
    let last = r.counter(C.heartbeatsAcked);
    let quietSince = Date.now();
    while (r.counter(C.heartbeatsSent) > r.counter(C.heartbeatsAcked) && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 20));
      const acked = r.counter(C.heartbeatsAcked);
      if (acked !== last) {
        last = acked;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= 1000) return;
    }
  }
}
