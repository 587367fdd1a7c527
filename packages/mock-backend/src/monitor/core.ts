/**
 * The server side of docs/protocols/monitor.md, independent of the transport
 * (the `ws` network server in server.ts and the msw handlers both drive it):
 * - agents on `/api/v1/agents/ws`: auth first (API key from the KeyStore),
 *   `auth_success` with a stable server_id per key, metrics into the state and
 *   out to that server's frontend streams, command / docker_command sent
 *   programmatically and their responses awaited;
 * - frontends on `/api/v1/ws/metrics|logs/{server_id}` (see frontends.ts).
 * Error replies are the document's, verbatim. Nothing here runs a shell command.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCodes, FleetwireError } from '@fleetwire/sdk';
import { monitor } from '@fleetwire/sdk';
import { FrontendHub, parse } from './frontends.js';
import type { MonitorState } from '../state/monitor.js';
import { fingerprint, type KeyStore } from '../keys.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ConnectionHandler, MessageHook, Peer, Router } from '../transport/peer.js';
import type { SendBufferOptions } from '../transport/ws-peer.js';

const V = monitor.monitorValidators;
const E = monitor.MONITOR_ERRORS;
const AGENT_TYPES = new Set(['auth', 'metrics', 'command_response', 'docker_response']);

export interface MonitorCoreOptions extends SendBufferOptions {
  keys: KeyStore;
  state: MonitorState;
  /** HS256 secret of frontend JWTs. */
  jwtSecret: string;
  logger?: Logger;
  /** Largest frame accepted, in bytes (bigger ones close the socket with 1009). Default 1 MiB. */
  maxPayload?: number;
  /** Time a new socket has to authenticate, ms. Default 10000. */
  authTimeoutMs?: number;
  /** cpu_percent at or above which an `alert` goes to the server's frontends (once per crossing). Default 90. */
  alertCpuPercent?: number;
  /** Keep every agent message received (tests). Default false. */
  record?: boolean;
  /** Called for every message in and out, by type (metrics). */
  onMessage?: MessageHook;
  /** Called once per exception a connection handler threw (that connection is closed with 1011). */
  onHandlerError?: (error: Error) => void;
}

/** The network server's options: the same. */
export type MonitorServerOptions = MonitorCoreOptions;

export interface MonitorCounters {
  metrics: number;
  authFailures: number;
  protocolErrors: number;
}

interface Pending {
  resolve(r: unknown): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  kind: 'command_response' | 'docker_response';
  serverId: string;
  action?: string;
  containerId?: string;
}

export class MonitorCore {
  readonly frontends: FrontendHub;
  readonly counters: MonitorCounters = { metrics: 0, authFailures: 0, protocolErrors: 0 };
  readonly received: { serverId: string | null; msg: unknown }[] = [];
  private readonly agents = new Map<string, Peer>();
  private readonly pending = new Map<string, Pending>();
  private readonly hot = new Set<string>();
  protected readonly log: Logger;
  private readonly hook: MessageHook;

  constructor(protected readonly opts: MonitorCoreOptions) {
    this.log = opts.logger ?? silentLogger;
    this.hook = opts.onMessage ?? (() => {});
    this.frontends = new FrontendHub(opts.jwtSecret, this.log, opts.authTimeoutMs ?? 10_000, this.hook, opts.onHandlerError);
  }

  /** Agents on `/api/v1/agents/ws`, frontends on `/api/v1/ws/metrics|logs/{server_id}`. */
  readonly route: Router = (req) => {
    if (req.path === monitor.MONITOR_PATHS.agent) return { accept: (peer) => this.acceptAgent(peer) };
    const m = /^\/api\/v1\/ws\/(metrics|logs)\/([^/]+)$/.exec(req.path);
    if (!m) return null;
    let serverId: string;
    try {
      serverId = decodeURIComponent(m[2]!);
    } catch {
      return null; // a broken %-escape: not a path of ours (404)
    }
    return { accept: (peer) => this.frontends.accept(peer, m[1] as 'metrics' | 'logs', serverId) };
  };

  /** server_ids with a live, authenticated agent. */
  connectedAgents(): string[] {
    return [...this.agents.keys()];
  }

  /** Sends `command` to the agent of `serverId` and resolves with its `command_response`. */
  sendCommand(serverId: string, command: string, options: { timeoutMs?: number } = {}): Promise<monitor.CommandResponse> {
    return this.request(serverId, { type: 'command', command_id: randomUUID(), command }, 'command_response', options.timeoutMs) as Promise<monitor.CommandResponse>;
  }

  /** Sends a docker action for `containerId` and resolves with the agent's `docker_response`. */
  sendDockerCommand(serverId: string, action: string, containerId: string, options: { timeoutMs?: number } = {}): Promise<monitor.DockerResponse> {
    const msg = { type: 'docker_command', command_id: randomUUID(), action, container_id: containerId };
    return this.request(serverId, msg, 'docker_response', options.timeoutMs, { action, containerId }) as Promise<monitor.DockerResponse>;
  }

  /** Sends a log entry to the log streams of `serverId`. Returns how many streams got it. */
  pushLog(serverId: string, entry: { level: string; message: string; timestamp?: string }): number {
    const data = { level: entry.level, message: entry.message, timestamp: entry.timestamp ?? new Date().toISOString() };
    return this.frontends.fanOut(serverId, ['logs'], { type: 'log', data });
  }

  /** Sends an alert to every frontend stream (metrics and logs) of `serverId`. */
  pushAlert(serverId: string, alert: { message: string; level?: string; timestamp?: string }): number {
    const data = { level: alert.level ?? 'WARNING', message: alert.message, timestamp: alert.timestamp ?? new Date().toISOString() };
    return this.frontends.fanOut(serverId, ['metrics', 'logs'], { type: 'alert', data });
  }

  /** Sends any frame to an agent, unvalidated (tests: how agents take bad input). */
  sendRaw(serverId: string, data: string): boolean {
    const peer = this.agents.get(serverId);
    if (!peer) return false;
    peer.send(data);
    return true;
  }

  /** Drops an agent's socket without a close handshake, like a network failure. */
  disconnectAgent(serverId: string): boolean {
    const peer = this.agents.get(serverId);
    if (!peer) return false;
    if (peer.terminate) peer.terminate();
    else peer.close(1006, 'dropped');
    return true;
  }

  /** Rejects pending requests with FW_CLOSED (the transport closes the sockets). */
  protected rejectPending(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new FleetwireError(ErrorCodes.FW_CLOSED, 'monitor server closed before the agent answered'));
    }
    this.pending.clear();
  }

  private request(serverId: string, msg: { type: string; command_id: string; [k: string]: unknown }, kind: Pending['kind'], timeoutMs = 10_000, docker?: { action: string; containerId: string }): Promise<unknown> {
    const peer = this.agents.get(serverId);
    if (!peer) {
      return Promise.reject(new FleetwireError(ErrorCodes.FW_NOT_CONNECTED, `monitor: no agent connected as ${serverId}`, { serverId }));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msg.command_id);
        reject(new FleetwireError(ErrorCodes.FW_TIMEOUT, `monitor: no ${kind} for ${msg.command_id} within ${timeoutMs} ms`, { serverId, command_id: msg.command_id }));
      }, timeoutMs);
      timer.unref();
      this.pending.set(msg.command_id, { resolve, reject, timer, kind, serverId, ...docker });
      this.hook('out', msg.type);
      peer.send(JSON.stringify(msg));
    });
  }

  private acceptAgent(peer: Peer): ConnectionHandler {
    let serverId: string | null = null;
    let open = true;
    const send = (msg: { type: string; [k: string]: unknown }) => {
      this.hook('out', msg.type);
      peer.send(JSON.stringify(msg));
    };
    const refuse = (message: string) => {
      if (!open) return;
      send({ type: 'error', message });
      peer.close(1008, message);
    };
    const authTimer = setTimeout(() => refuse(E.invalidMessage), this.opts.authTimeoutMs ?? 10_000);
    authTimer.unref();
    const invalid = (why: string, msg: unknown) => {
      this.counters.protocolErrors++;
      this.log.warn(`monitor: invalid agent message: ${why}`, { serverId });
      if (this.opts.record) this.received.push({ serverId, msg });
      send({ type: 'error', message: E.invalidMessage });
    };

    const onMessage = (text: string, binary: boolean) => {
      const msg = parse(text, binary);
      const type = msg?.type;
      this.hook('in', typeof type === 'string' && AGENT_TYPES.has(type) ? type : 'invalid');
      if (serverId === null) {
        // Auth first (monitor.md "Always authenticate first"): anything else gets an error and a close.
        clearTimeout(authTimer);
        if (msg === null || msg.type !== 'auth' || !V.fromAgent.auth.check(msg)) {
          this.counters.protocolErrors++;
          return refuse(E.invalidMessage);
        }
        if (!this.opts.keys.has(msg.api_key)) {
          this.counters.authFailures++;
          this.log.warn('monitor: refused an agent with an invalid API key', { key: fingerprint(msg.api_key) });
          return refuse(E.invalidApiKey);
        }
        // A per-node dev key (dev-<id>) authenticates as that id, so the simulator's agents keep their names.
        const devId = this.opts.keys.devNodeId(msg.api_key);
        if (devId !== null && !this.opts.state.hasKey(msg.api_key)) this.opts.state.registerServer(msg.api_key, devId);
        serverId = this.opts.state.serverIdForKey(msg.api_key);
        this.agents.set(serverId, peer); // the newest connection of a server receives its commands
        this.opts.state.markOnline(serverId);
        send({ type: 'auth_success', server_id: serverId, message: 'Connected successfully' });
        this.pushLog(serverId, { level: 'INFO', message: 'Agent connected' });
        this.log.info('monitor: agent online', { serverId });
        return;
      }
      if (msg === null) return invalid('not a JSON object', text);
      if (this.opts.record) this.received.push({ serverId, msg });
      if (type === 'auth') return; // already authenticated: harmless repeat
      if (type === 'metrics') {
        if (!V.fromAgent.metrics.check(msg)) return invalid(V.fromAgent.metrics.explain(msg).join('; '), msg);
        if (msg.server_id !== serverId) return invalid(`server_id ${msg.server_id} is not this agent's (${serverId})`, msg);
        return this.onMetrics(msg);
      }
      if (type === 'command_response' || type === 'docker_response') {
        const v = V.fromAgent[type];
        if (!v.check(msg)) return invalid(v.explain(msg).join('; '), msg);
        return this.onResponse(serverId, type, msg as monitor.CommandResponse | monitor.DockerResponse);
      }
      invalid(`unknown type ${JSON.stringify(type)}`, msg);
    };

    return {
      onMessage,
      onClose: () => {
        open = false;
        clearTimeout(authTimer);
        if (serverId === null || this.agents.get(serverId) !== peer) return;
        this.agents.delete(serverId);
        this.opts.state.markOffline(serverId);
        this.pushLog(serverId, { level: 'WARNING', message: 'Agent disconnected' });
        this.log.info('monitor: agent offline', { serverId });
      },
      onError: (err) => this.log.warn('monitor: agent socket error', { serverId, error: err.message }),
    };
  }

  private onMetrics(m: monitor.AgentMetrics): void {
    this.counters.metrics++;
    this.opts.state.metrics(m);
    const data = { cpu_percent: m.cpu_percent, memory_percent: m.memory_percent, disk_usage: m.disk_usage, network: m.network, timestamp: m.timestamp };
    this.frontends.fanOut(m.server_id, ['metrics'], { type: 'metrics', data });
    const threshold = this.opts.alertCpuPercent ?? 90;
    if (m.cpu_percent >= threshold && !this.hot.has(m.server_id)) {
      this.hot.add(m.server_id);
      this.pushAlert(m.server_id, { level: 'WARNING', message: `CPU usage ${m.cpu_percent}% ≥ ${threshold}%`, timestamp: m.timestamp });
    } else if (m.cpu_percent < threshold) this.hot.delete(m.server_id);
  }

  private onResponse(serverId: string, type: Pending['kind'], msg: monitor.CommandResponse | monitor.DockerResponse): void {
    const p = this.pending.get(msg.command_id);
    if (!p || p.kind !== type || p.serverId !== serverId) {
      this.log.warn(`monitor: ${type} for an unknown command_id`, { serverId, command_id: msg.command_id });
      return;
    }
    this.pending.delete(msg.command_id);
    clearTimeout(p.timer);
    if (type === 'docker_response' && (msg as monitor.DockerResponse).success && p.action && p.containerId) {
      this.opts.state.dockerApplied(serverId, p.action, p.containerId);
    }
    p.resolve(msg);
  }
}
