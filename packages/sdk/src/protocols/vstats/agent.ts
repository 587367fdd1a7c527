/**
 * VStatsAgent — the metrics-agent side of shared/protocols/vstats.md.
 *
 * Connects to `/ws/agent?token=`, sends the full metrics report from a provider
 * at once on every (re)connect and then every `metricsIntervalMs`, and a
 * `{type:"heartbeat"}` every `heartbeatIntervalMs`. Pings are answered by the
 * platform (`ws` auto-pongs; browsers do it natively). A 401 at the upgrade is
 * a terminal FW_AUTH_REJECTED. Reports made while disconnected are skipped, not
 * queued: a stale sample is worth nothing once a fresh one can be taken.
 */
import { ErrorCodes, FleetwireError, invalidArgument, messageOf, type ErrorCode } from '../../core/errors.js';
import { TypedEmitter } from '../../core/emitter.js';
import { timerScheduler, type Scheduler } from '../../core/scheduler.js';
import type { ConnectionState } from '../../core/state.js';
import { WsConnection, checkInbound, wsUrl, type WsClientOptions } from './connection.js';
import { VSTATS_AGENT_PATH, systemMetricsValidator, type AgentHeartbeat, type AgentMetrics, type SystemMetrics } from './schema.js';
import type { VStatsAgentEvents } from './events.js';

/** What a provider returns: the document's report; `timestamp` is filled in when absent. */
export type SystemMetricsInput = Omit<SystemMetrics, 'timestamp'> & { timestamp?: string };

export interface VStatsAgentOptions extends WsClientOptions {
  /** Server base URL, e.g. `ws://localhost:3001` (`/ws/agent` is appended unless present). */
  url: string;
  /** The agent token, sent as `?token=`. */
  token: string;
  /** Called for every report; sync or async. */
  metrics: () => SystemMetricsInput | Promise<SystemMetricsInput>;
  /** Report period in ms. Default 5000. */
  metricsIntervalMs?: number;
  /** Heartbeat period in ms. Default 30000 (the document gives none; one per server ping period). */
  heartbeatIntervalMs?: number;
  /** Runs the periodic work; pass a shared one when running thousands of agents. Default plain timers. */
  scheduler?: Scheduler;
  /**
   * fleetwire extension: name and location shown to dashboards in `server_added`
   * (sent as `&name=` / `&location=`; servers that do not know them ignore them).
   */
  name?: string;
  location?: string;
}

export class VStatsAgent extends TypedEmitter<VStatsAgentEvents> {
  private readonly opts: VStatsAgentOptions;
  private readonly conn: WsConnection;
  private readonly scheduler: Scheduler;
  private cancels: (() => void)[] = [];

  constructor(options: VStatsAgentOptions) {
    super();
    checkOptions(options);
    this.opts = options;
    this.scheduler = options.scheduler ?? timerScheduler;
    const url = wsUrl(options.url, VSTATS_AGENT_PATH, { token: options.token, name: options.name, location: options.location });
    this.conn = new WsConnection(() => url, options, {
      onOpen: () => this.onOpen(),
      onMessage: (m) => {
        // The document defines nothing the server sends to an agent.
        const r = checkInbound({}, 'type', m);
        if (!r.ok) this.fail(r.code, `from server: ${r.message}`, r.context);
      },
      onMalformed: (raw, problem) => this.fail(ErrorCodes.FW_PROTOCOL_MALFORMED, `malformed frame from server: ${problem}`, { raw: raw.slice(0, 200) }),
      onLost: (info) => {
        this.stopTimers();
        this.emit('disconnected', { code: info.code, reason: info.reason });
      },
      onError: (e) => this.emit('error', e),
      onTransition: (t) => {
        if (t.to !== 'connected') this.stopTimers();
        this.emit('state', t);
      },
      onRetryScheduled: (delayMs, attempt) => this.emit('reconnecting', { delayMs, attempt }),
    });
  }

  /** Starts connecting (and reconnecting). */
  connect(): this {
    this.conn.start();
    return this;
  }

  /** Closes for good: stops timers and retries. */
  close(): void {
    this.stopTimers();
    this.conn.stop();
  }

  get state(): ConnectionState {
    return this.conn.state;
  }

  /** Takes and sends one report now. Resolves when sent or skipped (never rejects). */
  reportNow(): Promise<void> {
    if (!this.conn.isOpen) return Promise.resolve();
    let m: SystemMetricsInput | Promise<SystemMetricsInput>;
    try {
      m = this.opts.metrics();
    } catch (err) {
      this.providerFailed(err);
      return Promise.resolve();
    }
    if (m instanceof Promise) return m.then((r) => this.sendReport(r), (err) => this.providerFailed(err));
    this.sendReport(m);
    return Promise.resolve();
  }

  /** Sends one heartbeat now. */
  heartbeatNow(): void {
    const hb: AgentHeartbeat = { type: 'heartbeat', timestamp: new Date().toISOString() };
    if (this.conn.send(hb)) this.emit('heartbeat', hb);
  }

  private onOpen(): void {
    this.emit('connected');
    this.stopTimers();
    void this.reportNow();
    this.cancels.push(this.scheduler.every(this.opts.metricsIntervalMs ?? 5000, () => void this.reportNow()));
    this.cancels.push(this.scheduler.every(this.opts.heartbeatIntervalMs ?? 30_000, () => this.heartbeatNow()));
  }

  private sendReport(input: SystemMetricsInput): void {
    const timestamp = new Date().toISOString();
    const data = { ...input, timestamp: input?.timestamp ?? timestamp } as SystemMetrics;
    if (!systemMetricsValidator.check(data)) {
      this.fail(ErrorCodes.FW_HANDLER_FAILED, 'metrics provider returned an invalid report; skipped', { problems: systemMetricsValidator.explain(data) });
      return;
    }
    const msg: AgentMetrics = { type: 'metrics', data, timestamp };
    if (this.conn.send(msg)) this.emit('metrics', msg);
  }

  private providerFailed(err: unknown): void {
    this.fail(ErrorCodes.FW_HANDLER_FAILED, `metrics provider failed: ${messageOf(err)}; report skipped`, {}, err);
  }

  private stopTimers(): void {
    for (const c of this.cancels.splice(0)) c();
  }

  private fail(code: ErrorCode, message: string, context: Record<string, unknown> = {}, cause?: unknown): void {
    this.emit('error', new FleetwireError(code, message, context, cause === undefined ? undefined : { cause }));
  }
}

function checkOptions(o: VStatsAgentOptions): void {
  if (!o || typeof o !== 'object') invalidArgument('VStatsAgent needs an options object: new VStatsAgent({ url, token, metrics })');
  if (typeof o.url !== 'string' || !/^(https?|wss?):\/\//.test(o.url)) invalidArgument(`VStatsAgent: url must be a ws(s):// or http(s):// URL, got ${JSON.stringify(o.url)}`);
  if (typeof o.token !== 'string' || o.token.length === 0) invalidArgument('VStatsAgent: token must be a non-empty string (the agent token)');
  if (typeof o.metrics !== 'function') invalidArgument('VStatsAgent: metrics must be a function returning the metrics report (sync or async)');
  for (const k of ['metricsIntervalMs', 'heartbeatIntervalMs'] as const) {
    if (o[k] !== undefined && !(Number(o[k]) > 0)) invalidArgument(`VStatsAgent: ${k} must be > 0, got ${String(o[k])}`);
  }
}
