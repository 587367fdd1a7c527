/**
 * MonitorAgent — the server-agent side of docs/protocols/monitor.md.
 *
 * Connects to `/api/v1/agents/ws`, authenticates with `{type:"auth", api_key}`
 * and waits for `auth_success`, whose `server_id` becomes the agent's id. Then
 * it sends metrics from a provider every interval (5 s by default) and answers
 * `command` / `docker_command` through caller handlers — the SDK never runs a
 * shell command itself. On every reconnect it re-authenticates and metrics
 * resume on their own; plain sends made while disconnected wait in the
 * bounded send queue.
 */
import { ErrorCodes, invalidArgument, messageOf } from '../../core/errors.js';
import { timerScheduler, type Scheduler } from '../../core/scheduler.js';
import { TransitionCodes } from '../../core/state.js';
import type { TimerHandle } from '../../core/timers.js';
import { classify, resolveToken, wsUrl, type TokenSource } from '../../core/inbound.js';
import { WsClient, type WsClientOptions } from '../../core/ws-client.js';
import { MONITOR_PATHS } from './constants.js';
import { monitorValidators } from './validators.gen.js';
import type { AgentMetrics, Command, CommandResponse, DockerCommand, DockerResponse, MonitorMetricsBody } from './schema.js';
import type { FleetwireClient } from '../../core/client.js';
import type { CommandResult, DockerResult, MonitorAgentEvents } from './events.js';

const V = monitorValidators;

export interface MonitorAgentOptions extends WsClientOptions {
  /** Server base URL (`http(s)://` or `ws(s)://`); `/api/v1/agents/ws` is appended unless present. */
  url: string;
  /** The agent's API key, sent in the first message: a string, or a provider called on every (re)connect (sync or async). */
  apiKey: TokenSource;
  /** Called before every metrics message; sync or async. */
  metrics: () => MonitorMetricsBody | Promise<MonitorMetricsBody>;
  /** Metrics period in ms. Default 5000 (monitor.md). */
  metricsIntervalMs?: number;
  /** Runs the metrics timer; pass a shared one when running thousands of agents. Default: plain timers. */
  scheduler?: Scheduler;
  /** Decides what a `command` does (the SDK runs nothing itself). Without one, commands are answered with exit_code -1. */
  onCommand?: (cmd: Command) => CommandResult | Promise<CommandResult>;
  /** Decides what a `docker_command` does. Without one, answered with success:false. */
  onDockerCommand?: (cmd: DockerCommand) => DockerResult | Promise<DockerResult>;
  /** Time to wait for `auth_success` after sending auth, in ms. Default 10000. */
  authTimeoutMs?: number;
}

const now = (): number => performance.now();

export class MonitorAgent extends WsClient<MonitorAgentEvents> implements FleetwireClient {
  private readonly opts: MonitorAgentOptions;
  private readonly scheduler: Scheduler;
  private readonly intervalMs: number;
  private id: string | null = null;
  private cancelMetrics: (() => void) | null = null;
  private authTimer: TimerHandle | null = null;
  /** The key resolved for the current attempt. */
  private currentKey = '';

  constructor(options: MonitorAgentOptions) {
    checkOptions(options);
    super('monitor', options);
    this.opts = options;
    this.scheduler = options.scheduler ?? timerScheduler;
    this.intervalMs = options.metricsIntervalMs ?? 5000;
  }

  /** The `server_id` from the last `auth_success`; null before the first. */
  get serverId(): string | null {
    return this.id;
  }

  /** Sends one metrics message now (also done at once on every auth and then every interval). */
  sendMetricsNow(): Promise<void> {
    let m: MonitorMetricsBody | Promise<MonitorMetricsBody>;
    try {
      m = this.opts.metrics();
    } catch (err) {
      this.fail(ErrorCodes.FW_HANDLER_FAILED, `monitor: metrics provider failed: ${messageOf(err)}; metrics skipped`, {}, err);
      return Promise.resolve();
    }
    if (m instanceof Promise) {
      return m.then(
        (body) => this.sendMetrics(body),
        (err) => void this.fail(ErrorCodes.FW_HANDLER_FAILED, `monitor: metrics provider failed: ${messageOf(err)}; metrics skipped`, {}, err),
      );
    }
    this.sendMetrics(m);
    return Promise.resolve();
  }

  protected async url(): Promise<string> {
    this.currentKey = typeof this.opts.apiKey === 'string' ? this.opts.apiKey : await resolveToken(this.opts.apiKey);
    return wsUrl(this.opts.url, MONITOR_PATHS.agent);
  }

  protected onOpen(): void {
    this.transport?.send({ type: 'auth', api_key: this.currentKey });
    const ms = this.opts.authTimeoutMs ?? 10_000;
    this.authTimer = setTimeout(() => {
      this.authTimer = null;
      const error = this.fault(ErrorCodes.FW_CONNECT_FAILED, `monitor: no auth_success within ${ms} ms`, { timeoutMs: ms });
      this.abort({ code: TransitionCodes.CONNECT_FAILED, reason: 'auth timeout', error });
    }, ms);
  }

  protected override onDown(): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.cancelMetrics?.();
    this.cancelMetrics = null;
  }

  protected onFrame(raw: Record<string, unknown>): void {
    const r = classify(raw, 'type', V.toAgent, 'monitor');
    if (!r.ok) {
      // Before auth, anything but auth_success/error means the server is not speaking monitor: report and wait for the timeout.
      this.emit('error', r.error);
      return;
    }
    switch (r.kind) {
      case 'auth_success':
        return this.onAuthSuccess(r.msg.server_id, r.msg.message);
      case 'error':
        if (!this.ready) {
          // monitor.md: an error reply to auth means the key was refused — terminal unless retryOnAuthFailure.
          const error = this.fail(ErrorCodes.FW_AUTH_REJECTED, `monitor: the server refused the API key: ${r.msg.message}`, { message: r.msg.message });
          this.abort({ code: TransitionCodes.AUTH_REJECTED, reason: r.msg.message, auth: true, error });
        } else {
          this.fail(ErrorCodes.FW_REMOTE_ERROR, `monitor: server error: ${r.msg.message}`, { message: r.msg.message });
        }
        return;
      case 'command':
        if (this.notReady('command')) return;
        this.emit('command', r.msg);
        void this.runCommand(r.msg);
        return;
      case 'docker_command':
        if (this.notReady('docker_command')) return;
        this.emit('docker_command', r.msg);
        void this.runDocker(r.msg);
        return;
    }
  }

  private notReady(kind: string): boolean {
    if (this.ready) return false;
    this.fail(ErrorCodes.FW_PROTOCOL_INVALID, `monitor: ${kind} before auth_success; ignored`, { type: kind });
    return true;
  }

  private onAuthSuccess(serverId: string, message?: string): void {
    if (this.ready) return; // a repeated auth_success changes nothing
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    this.id = serverId;
    this.emit('auth_success', message === undefined ? { serverId } : { serverId, message });
    this.markReady(`auth_success as ${serverId}`);
    void this.sendMetricsNow(); // at once, then every interval
    this.cancelMetrics?.();
    this.cancelMetrics = this.scheduler.every(this.intervalMs, () => void this.sendMetricsNow());
  }

  private sendMetrics(body: MonitorMetricsBody): void {
    if (!this.ready || this.id === null) return; // metrics are current-state: never queued
    const msg: AgentMetrics = {
      type: 'metrics',
      server_id: this.id,
      cpu_percent: body?.cpu_percent,
      memory_percent: body?.memory_percent,
      disk_usage: body?.disk_usage,
      network: body?.network,
      timestamp: new Date().toISOString(),
    };
    if (!V.fromAgent.metrics.check(msg)) {
      this.fail(ErrorCodes.FW_HANDLER_FAILED, 'monitor: metrics provider returned an invalid shape; metrics skipped', {
        problems: V.fromAgent.metrics.explain(msg),
      });
      return;
    }
    this.send(msg);
    this.emit('metrics', msg);
  }

  private async runCommand(cmd: Command): Promise<void> {
    const t0 = now();
    let output: string;
    let exitCode: number;
    try {
      if (!this.opts.onCommand) throw new Error('agent has no command handler');
      const r = await this.opts.onCommand(cmd);
      if (typeof r?.output !== 'string') throw new Error('command handler must return { output: string, exit_code?: number }');
      output = r.output;
      exitCode = r.exit_code ?? 0;
      if (!Number.isInteger(exitCode)) throw new Error(`command handler returned a non-integer exit_code ${String(exitCode)}`);
    } catch (err) {
      this.fail(ErrorCodes.FW_HANDLER_FAILED, `monitor: command ${cmd.command_id} failed: ${messageOf(err)}`, { command_id: cmd.command_id }, err);
      output = messageOf(err);
      exitCode = -1; // "the agent did not run it", distinct from any real process exit code
    }
    const resp: CommandResponse = {
      type: 'command_response',
      command_id: cmd.command_id,
      output,
      exit_code: exitCode,
      duration_ms: Math.round(now() - t0),
    };
    this.send(resp);
    this.emit('command_response', resp);
  }

  private async runDocker(cmd: DockerCommand): Promise<void> {
    let success: boolean;
    let message: string;
    try {
      if (!this.opts.onDockerCommand) throw new Error('agent has no docker_command handler');
      const r = await this.opts.onDockerCommand(cmd);
      if (typeof r?.success !== 'boolean' || typeof r.message !== 'string') {
        throw new Error('docker_command handler must return { success: boolean, message: string }');
      }
      ({ success, message } = r);
    } catch (err) {
      this.fail(ErrorCodes.FW_HANDLER_FAILED, `monitor: docker_command ${cmd.command_id} failed: ${messageOf(err)}`, { command_id: cmd.command_id }, err);
      success = false;
      message = messageOf(err);
    }
    const resp: DockerResponse = { type: 'docker_response', command_id: cmd.command_id, success, message };
    this.send(resp);
    this.emit('docker_response', resp);
  }
}

function checkOptions(o: MonitorAgentOptions): void {
  if (!o || typeof o !== 'object') invalidArgument('MonitorAgent needs an options object: new MonitorAgent({ url, apiKey, metrics })');
  if (typeof o.url !== 'string' || !/^(https?|wss?):\/\//.test(o.url)) {
    invalidArgument(`MonitorAgent: url must be an http(s):// or ws(s):// URL of the server, got ${JSON.stringify(o.url)}`);
  }
  if (!(typeof o.apiKey === 'function' || (typeof o.apiKey === 'string' && o.apiKey.length > 0))) {
    invalidArgument('MonitorAgent: apiKey must be a non-empty string or a function returning one (called on every connect)');
  }
  if (typeof o.metrics !== 'function') invalidArgument('MonitorAgent: metrics must be a function returning { cpu_percent, memory_percent, disk_usage, network } (sync or async)');
  if (o.metricsIntervalMs !== undefined && !(o.metricsIntervalMs > 0)) invalidArgument(`MonitorAgent: metricsIntervalMs must be > 0, got ${String(o.metricsIntervalMs)}`);
  if (o.authTimeoutMs !== undefined && !(o.authTimeoutMs > 0)) invalidArgument(`MonitorAgent: authTimeoutMs must be > 0, got ${String(o.authTimeoutMs)}`);
}

