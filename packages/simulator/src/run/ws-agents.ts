/**
 * Simulated hosts of the plain-WebSocket dialects: the SDK's MonitorAgent and
 * VStatsAgent (the protocols) fed by a HostModel (the metrics) and, for
 * monitor, a SimulatedShell (command answers, nothing is ever executed).
 * What each sees goes into the shared Report, the same counters as fleet
 * agents where the meaning is the same (connect time, reconnects, errors by
 * code, messages sent) and their own where it is not (metrics_sent,
 * commands_*, keepalives_sent). There are no acks in these dialects, so the
 * `ack` and `event_ack` histograms stay empty.
 */
import { ErrorCodes, MonitorAgent, VStatsAgent, type FleetwireError } from '@fleetwire/sdk';
import { SimulatedShell } from '../model/commands.js';
import type { AgentIdentity } from '../model/fleet-plan.js';
import { HostModel, randomHostSpec } from '../model/host.js';
import { monitorMetrics, vstatsMetrics } from '../model/host-dialects.js';
import { C, H, errorCounter, type Report } from '../report/report.js';
import type { SliceAgent, SliceAgentOptions } from './slice-agent.js';
import { agentSocket, type AgentSocket, type WsChaosOptions } from './ws-socket.js';

/** Errors not in the `errors` total: counted as disconnects / connect failures, or planned. */
const NOT_ERRORS = new Set<string>([ErrorCodes.FW_CONNECTION_LOST, ErrorCodes.FW_CONNECT_FAILED, ErrorCodes.FW_CLOSED]);

export interface WsSimAgentOptions extends SliceAgentOptions {
  /** Source address, malformed metrics frames. */
  socket?: WsChaosOptions;
  /** monitor only: command answers are this many ms late (slow agents). Default 0. */
  answerDelayMs?: number;
}

const now = (): number => performance.now();

/** The bookkeeping both dialects share: connected gauge, connect time, reconnects, errors. */
abstract class WsSimAgent implements SliceAgent {
  readonly identity: AgentIdentity;
  readonly host: HostModel;
  protected readonly report: Report;
  protected readonly socket: AgentSocket;
  private lastTick = now();
  private connectStartedAt = 0;
  private everConnected = false;
  private isConnected = false;
  protected closed = false;

  constructor(protected readonly opts: WsSimAgentOptions) {
    const id = opts.identity;
    this.identity = id;
    this.report = opts.report;
    this.host = new HostModel(id.rng.fork('host'), randomHostSpec(id.rng.fork('spec'), id.gpuCount, id.hostname));
    this.socket = agentSocket(opts.socket);
  }

  protected abstract get client(): MonitorAgent | VStatsAgent;

  get connected(): boolean {
    return this.isConnected;
  }

  connect(): void {
    this.connectStartedAt = now();
    this.client.connect();
  }

  drop(): boolean {
    return this.isConnected && this.socket.drop();
  }

  close(): void {
    this.closed = true;
    this.setConnected(false);
    this.client.close();
  }

  /** Advances the host model to now (lazily, when metrics are asked for: no second periodic task). */
  protected tick(): HostModel {
    const t = now();
    this.host.tick(t - this.lastTick);
    this.lastTick = t;
    return this.host;
  }

  protected onConnected(): void {
    const r = this.report;
    if (this.everConnected) r.count(C.reconnects);
    else {
      r.recordLatency(H.connect, now() - this.connectStartedAt);
      this.opts.onFirstConnect?.();
    }
    this.everConnected = true;
    this.setConnected(true);
  }

  protected onDisconnected(): void {
    if (!this.isConnected) return; // a socket that opened but never authenticated was not a connection
    this.report.count(C.disconnects);
    this.setConnected(false);
  }

  protected onError(err: FleetwireError): void {
    if (this.closed) return;
    const r = this.report;
    r.count(errorCounter(err.code));
    if (err.code === ErrorCodes.FW_CONNECT_FAILED) r.count(C.connectFailures);
    if (!NOT_ERRORS.has(err.code)) r.count(C.errors);
  }

  protected sent(counter: string): void {
    this.report.count(counter);
    this.report.count(C.messagesSent);
  }

  private setConnected(c: boolean): void {
    if (c === this.isConnected) return;
    this.isConnected = c;
    this.opts.onConnectedChange(c ? 1 : -1);
  }
}

/** A monitor agent on a simulated host: metrics every interval, commands answered with simulated output. */
export class SimMonitorAgent extends WsSimAgent {
  readonly agent: MonitorAgent;
  private readonly shell: SimulatedShell;
  private timers: Set<ReturnType<typeof setTimeout>> | null = null;

  constructor(opts: WsSimAgentOptions) {
    super(opts);
    this.shell = new SimulatedShell(this.host);
    this.agent = new MonitorAgent({
      url: opts.url,
      apiKey: opts.identity.key,
      metricsIntervalMs: opts.heartbeatIntervalMs,
      scheduler: opts.scheduler,
      metrics: () => monitorMetrics(this.tick()),
      onCommand: async (cmd) => {
        await this.late();
        return this.shell.run(cmd.command);
      },
      onDockerCommand: async (cmd) => {
        await this.late();
        return this.shell.docker(cmd.action, cmd.container_id);
      },
      WebSocket: this.socket.WebSocket,
    });
    const a = this.agent;
    a.on('connected', () => this.onConnected());
    a.on('disconnected', () => this.onDisconnected());
    a.on('metrics', () => this.sent(C.metricsSent));
    a.on('command', () => this.report.count(C.commandsReceived));
    a.on('docker_command', () => this.report.count(C.commandsReceived));
    a.on('command_response', () => this.sent(C.commandsAnswered));
    a.on('docker_response', () => this.sent(C.commandsAnswered));
    a.on('error', (err) => this.onError(err));
  }

  protected get client(): MonitorAgent {
    return this.agent;
  }

  /** The simulated answer to `command` (also what tests compare against). */
  answer(command: string): { output: string; exit_code: number } {
    return this.shell.run(command);
  }

  override close(): void {
    if (this.timers) for (const t of this.timers) clearTimeout(t);
    this.timers?.clear();
    super.close();
  }

  /** Slow agents answer late (--chaos-slow-ack). */
  private late(): Promise<void> {
    const ms = this.opts.answerDelayMs ?? 0;
    if (ms <= 0) return Promise.resolve();
    this.report.count(C.chaosSlowAcks);
    const timers = (this.timers ??= new Set());
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  }
}

/** A vstats agent on a simulated host: the full system metrics report every interval, keepalive heartbeats. */
export class SimVStatsAgent extends WsSimAgent {
  readonly agent: VStatsAgent;

  constructor(opts: WsSimAgentOptions) {
    super(opts);
    this.agent = new VStatsAgent({
      url: opts.url,
      token: opts.identity.key,
      name: opts.identity.hostname,
      metricsIntervalMs: opts.heartbeatIntervalMs,
      scheduler: opts.scheduler,
      metrics: () => vstatsMetrics(this.tick(), new Date().toISOString()),
      WebSocket: this.socket.WebSocket,
    });
    const a = this.agent;
    a.on('connected', () => this.onConnected());
    a.on('disconnected', () => this.onDisconnected());
    a.on('metrics', () => this.sent(C.metricsSent));
    a.on('heartbeat', () => this.sent(C.keepalivesSent));
    a.on('error', (err) => this.onError(err));
  }

  protected get client(): VStatsAgent {
    return this.agent;
  }
}
