/**
 * VStatsAgent — the metrics-agent side of docs/protocols/vstats.md.
 *
 * Connects to `/ws/agent?token=`, sends the full metrics report from a provider
 * at once on every (re)connect and then every `metricsIntervalMs`, and a
 * `{type:"heartbeat"}` every `heartbeatIntervalMs`. Pings are answered by the
 * platform (`ws` auto-pongs; browsers do it natively). A 401 at the upgrade is
 * a terminal FW_AUTH_REJECTED. Reports made while disconnected are skipped, not
 * queued: a stale sample is worth nothing once a fresh one can be taken.
 */
import { ErrorCodes, invalidArgument, messageOf } from '../../core/errors.js';
import { classify, resolveToken, wsUrl, type TokenSource } from '../../core/inbound.js';
import { timerScheduler, type Scheduler } from '../../core/scheduler.js';
import { WsClient, type WsClientOptions } from '../../core/ws-client.js';
import { VSTATS_AGENT_PATH } from './constants.js';
import { systemMetricsValidator } from './validators.gen.js';
import type { AgentHeartbeat, AgentMetrics, SystemMetrics } from './schema.js';
import type { FleetwireClient } from '../../core/client.js';
import type { VStatsAgentEvents } from './events.js';

/** What a provider returns: the document's report; `timestamp` is filled in when absent. */
export type SystemMetricsInput = Omit<SystemMetrics, 'timestamp'> & { timestamp?: string };

/** Reports are never queued, so the send-queue option does not apply. */
export interface VStatsAgentOptions extends Omit<WsClientOptions, 'sendQueueCapacity'> {
  /** Server base URL, e.g. `ws://localhost:3001` (`/ws/agent` is appended unless present). */
  url: string;
  /** The agent token, sent as `?token=`: a string, or a provider called on every (re)connect (sync or async). */
  token: TokenSource;
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

export class VStatsAgent extends WsClient<VStatsAgentEvents> implements FleetwireClient {
  private readonly opts: VStatsAgentOptions;
  private readonly scheduler: Scheduler;
  private cancels: (() => void)[] = [];

  constructor(options: VStatsAgentOptions) {
    checkOptions(options);
    super('vstats', options);
    this.opts = options;
    this.scheduler = options.scheduler ?? timerScheduler;
  }

  /** Takes and sends one report now. Resolves when sent or skipped (never rejects). */
  reportNow(): Promise<void> {
    if (!this.ready) return Promise.resolve();
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

  /** Sends one heartbeat now (skipped while disconnected). */
  heartbeatNow(): void {
    const hb: AgentHeartbeat = { type: 'heartbeat', timestamp: new Date().toISOString() };
    if (this.sendNow(hb)) this.emit('heartbeat', hb);
  }

  protected url(): string | Promise<string> {
    const { token, name, location } = this.opts;
    if (typeof token === 'string') return wsUrl(this.opts.url, VSTATS_AGENT_PATH, { token, name, location });
    return resolveToken(token).then((t) => wsUrl(this.opts.url, VSTATS_AGENT_PATH, { token: t, name, location }));
  }

  protected onOpen(): void {
    // The token was checked at the upgrade: an open socket is an accepted agent.
    this.stopTimers();
    this.markReady(`open ${this.safeUrl}`);
    void this.reportNow();
    this.cancels.push(this.scheduler.every(this.opts.metricsIntervalMs ?? 5000, () => void this.reportNow()));
    this.cancels.push(this.scheduler.every(this.opts.heartbeatIntervalMs ?? 30_000, () => this.heartbeatNow()));
  }

  protected override onDown(): void {
    this.stopTimers();
  }

  protected onFrame(raw: Record<string, unknown>): void {
    // The document defines nothing the server sends to an agent: anything is unknown.
    const r = classify(raw, 'type', {}, 'vstats');
    if (!r.ok) this.emit('error', r.error);
  }

  private sendReport(input: SystemMetricsInput): void {
    const timestamp = new Date().toISOString();
    const data = { ...input, timestamp: input?.timestamp ?? timestamp } as SystemMetrics;
    if (!systemMetricsValidator.check(data)) {
      this.fail(ErrorCodes.FW_HANDLER_FAILED, 'vstats: metrics provider returned an invalid report; skipped', { problems: systemMetricsValidator.explain(data) });
      return;
    }
    const msg: AgentMetrics = { type: 'metrics', data, timestamp };
    if (this.sendNow(msg)) this.emit('metrics', msg); // a stale sample is worth nothing: never queued
  }

  private providerFailed(err: unknown): void {
    this.fail(ErrorCodes.FW_HANDLER_FAILED, `vstats: metrics provider failed: ${messageOf(err)}; report skipped`, {}, err);
  }

  private stopTimers(): void {
    for (const c of this.cancels.splice(0)) c();
  }
}

function checkOptions(o: VStatsAgentOptions): void {
  if (!o || typeof o !== 'object') invalidArgument('VStatsAgent needs an options object: new VStatsAgent({ url, token, metrics })');
  if (typeof o.url !== 'string' || !/^(https?|wss?):\/\//.test(o.url)) invalidArgument(`VStatsAgent: url must be a ws(s):// or http(s):// URL, got ${JSON.stringify(o.url)}`);
  if (!(typeof o.token === 'function' || (typeof o.token === 'string' && o.token.length > 0))) {
    invalidArgument('VStatsAgent: token must be a non-empty string (the agent token) or a function returning one (called on every connect)');
  }
  if (typeof o.metrics !== 'function') invalidArgument('VStatsAgent: metrics must be a function returning the metrics report (sync or async)');
  for (const k of ['metricsIntervalMs', 'heartbeatIntervalMs'] as const) {
    if (o[k] !== undefined && !(Number(o[k]) > 0)) invalidArgument(`VStatsAgent: ${k} must be > 0, got ${String(o[k])}`);
  }
}
