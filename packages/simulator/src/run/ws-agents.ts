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
import { MonitorAgent, VStatsAgent } from '@fleetwire/sdk';
import { SimulatedShell } from '../model/commands.js';
import type { AgentIdentity } from '../model/fleet-plan.js';
import { HostModel, randomHostSpec } from '../model/host.js';
import { monitorMetrics, vstatsMetrics } from '../model/host-dialects.js';
import { C, type Report } from '../report/report.js';
import { AgentBook } from './agent-book.js';
import type { SliceAgent, SliceAgentOptions } from './slice-agent.js';
import { agentSocket, type AgentSocket, type WsChaosOptions } from './ws-socket.js';

export interface WsSimAgentOptions extends SliceAgentOptions {
  /** Source address, malformed metrics frames. */
  socket?: WsChaosOptions;
  /** monitor only: command answers are this many ms late (slow agents). Default 0. */
  answerDelayMs?: number;
}

/** What both plain-WebSocket dialects share: a host model, a chaos socket, and the AgentBook. */
abstract class WsSimAgent implements SliceAgent {
  readonly identity: AgentIdentity;
  readonly host: HostModel;
  protected readonly report: Report;
  protected readonly socket: AgentSocket;
  protected readonly book: AgentBook;

  constructor(protected readonly opts: WsSimAgentOptions) {
    const id = opts.identity;
    this.identity = id;
    this.report = opts.report;
    this.host = new HostModel(id.rng.fork('host'), randomHostSpec(id.rng.fork('spec'), id.gpuCount, id.hostname));
    this.socket = agentSocket(opts.socket);
    this.book = new AgentBook(opts, this.host);
  }

  protected abstract get client(): MonitorAgent | VStatsAgent;

  get connected(): boolean {
    return this.book.connected;
  }

  connect(): void {
    this.book.connecting();
    this.client.connect();
  }

  drop(): boolean {
    return this.book.connected && this.socket.drop();
  }

  close(): void {
    this.book.close();
    this.client.close();
  }

  protected sent(counter: string): void {
    this.report.count(counter);
    this.report.count(C.messagesSent);
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
      metrics: () => monitorMetrics(this.book.tick()),
      onCommand: async (cmd) => {
        await this.late();
        return this.shell.run(cmd.command);
      },
      onDockerCommand: async (cmd) => {
        await this.late();
        return this.shell.docker(cmd.action, cmd.container_id);
      },
      WebSocket: this.socket.WebSocket,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
    const a = this.agent;
    a.on('connected', () => this.book.up());
    a.on('disconnected', () => this.book.down());
    a.on('reconnecting', (info) => this.book.retry(info));
    a.on('metrics', () => this.sent(C.metricsSent));
    a.on('command', () => this.report.count(C.commandsReceived));
    a.on('docker_command', () => this.report.count(C.commandsReceived));
    a.on('command_response', () => this.sent(C.commandsAnswered));
    a.on('docker_response', () => this.sent(C.commandsAnswered));
    a.on('error', (err) => this.book.error(err));
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
      metrics: () => vstatsMetrics(this.book.tick(), new Date().toISOString()),
      WebSocket: this.socket.WebSocket,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
    const a = this.agent;
    a.on('connected', () => this.book.up());
    a.on('disconnected', () => this.book.down());
    a.on('reconnecting', (info) => this.book.retry(info));
    a.on('metrics', () => this.sent(C.metricsSent));
    a.on('heartbeat', () => this.sent(C.keepalivesSent));
    a.on('error', (err) => this.book.error(err));
  }

  protected get client(): VStatsAgent {
    return this.agent;
  }
}
