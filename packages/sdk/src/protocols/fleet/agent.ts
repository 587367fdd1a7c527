/**
 * FleetAgent — the host-agent side of docs/protocols/fleet.md.
 *
 * Connects to the `/fleet` namespace, heartbeats with metrics from a provider,
 * runs start/stop handlers for the control plane's commands and reports their
 * results as acked lifecycle events. On every (re)connect it re-authenticates,
 * heartbeats at once, re-reports each running container and delivers the
 * lifecycle events queued while it was away (docs/protocols/README.md).
 */
import { AckOutbox } from '../../core/outbox.js';
import { ErrorCodes, FleetwireError, messageOf } from '../../core/errors.js';
import { TypedEmitter } from '../../core/emitter.js';
import type { ConnectOptions, FleetwireClient } from '../../core/client.js';
import { resolveToken } from '../../core/inbound.js';
import { headerValueProblem } from '../../core/header-value.js';
import { EmitterHooks, Reconnector } from '../../core/reconnector.js';
import { TransitionCodes, type ConnectionState } from '../../core/state.js';
import { timerScheduler, type Scheduler } from '../../core/scheduler.js';
import { defaultIo, isRefusal, namespaceUrl, type Socket } from '../../transports/socketio.js';
import { FLEET_NAMESPACE } from './constants.js';
import { fleetValidators as V } from './validators.gen.js';
import type {
  ConnectionInfo,
  FleetMetrics,
  Heartbeat,
  InstanceStarted,
  InstanceStopped,
  NodeStatus,
  StartInstance,
  StopInstance,
} from './schema.js';
import type { FleetAgentEvents } from './events.js';
import { checkOptions, type FleetAgentOptions } from './options.js';
import { Rentals, type RentalHost, type RunningInstance } from './rentals.js';
import { connectionInfoFor } from './connection-info.js';

export type { FleetAgentOptions } from './options.js';

const NO_INSTANCES: ReadonlyMap<string, RunningInstance> = new Map();
const KNOWN_INBOUND = new Set(['start_instance', 'stop_instance', 'drain_node']);
const now = (): number => performance.now();

export class FleetAgent extends TypedEmitter<FleetAgentEvents> implements FleetwireClient {
  readonly nodeId: string;
  private readonly opts: FleetAgentOptions;
  private readonly socket: Socket;
  private readonly reconnector: Reconnector;
  /** Created on the first lifecycle event: an idle agent needs none (memory per agent matters at 10,000 agents). */
  private outbox: AckOutbox | null = null;
  private readonly scheduler: Scheduler;
  private readonly heartbeatIntervalMs: number;
  private readonly ackTimeoutMs: number;
  /** Created on the first command or adopted instance: most agents idle most of the time. */
  private rentalBook: Rentals | null = null;
  private cancelBeat: (() => void) | null = null;
  private lastRtt: number | null = null;
  /** Heartbeats in a row that got no ack in time on this connection; reset by any ack. */
  private missedAcks = 0;
  private readonly deadAfterMissedAcks: number;

  constructor(options: FleetAgentOptions) {
    super();
    checkOptions(options);
    this.opts = options;
    this.nodeId = options.nodeId;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.deadAfterMissedAcks = options.deadAfterMissedAcks ?? 2;
    this.scheduler = options.scheduler ?? timerScheduler;

    const factory = options.io ?? defaultIo;
    const { apiKey, nodeId } = options;
    // A provider's key is set per attempt (see attempt()); a string key is fixed here once.
    const key = typeof apiKey === 'string' ? apiKey : '';
    this.socket = factory(namespaceUrl(options.url, FLEET_NAMESPACE), {
      autoConnect: false,
      reconnection: false, // the Reconnector owns retries
      forceNew: true, // one connection per agent, as a real host has
      transports: options.transports ?? ['websocket'],
      timeout: options.connectTimeoutMs ?? 20_000,
      extraHeaders: { Authorization: `Bearer ${key}` },
      // socket.io-client sends `auth` in the CONNECT packet of every (re)connect: re-authentication.
      auth: { token: key, nodeId },
      ...options.socketOptions,
    });

    this.reconnector = new Reconnector(options, new EmitterHooks(this as unknown as { emit(event: string, ...args: unknown[]): boolean }, () => this.attempt()));

    this.wireSocket();
  }

  // ── public API ───────────────────────────────────────────────────────────

  /**
   * Starts connecting (and reconnecting). Resolves with this agent on the first
   * accepted connection; rejects with the FleetwireError that made the attempt
   * final (see {@link FleetwireClient.connect}). Safe to ignore.
   */
  connect(options?: ConnectOptions): Promise<this> {
    return this.reconnector.connect(this, options);
  }

  /** Closes for good: stops heartbeats and retries, rejects unacked events with FW_CLOSED. */
  close(): void {
    this.stopBeating();
    this.reconnector.stop();
    this.outbox?.close();
    this.socket.disconnect();
  }

  get state(): ConnectionState {
    return this.reconnector.state;
  }

  /** `maintenance` once drained, `busy` while a rental runs or starts, else `online`. */
  get status(): NodeStatus {
    return this.rentalBook?.status ?? 'online';
  }

  /** True after drain_node: new rentals are refused. */
  get isDraining(): boolean {
    return this.rentalBook?.isDraining ?? false;
  }

  /** Round-trip time of the last acked heartbeat, ms; null before the first. */
  get lastHeartbeatRttMs(): number | null {
    return this.lastRtt;
  }

  /** Running rentals: rentalId → containerId. */
  get instances(): ReadonlyMap<string, RunningInstance> {
    return this.rentalBook?.running ?? NO_INSTANCES;
  }

  /** Lifecycle events not yet acknowledged, oldest first. */
  get pendingEvents(): readonly { event: string; payload: unknown }[] {
    return this.outbox?.pending ?? [];
  }

  /**
   * Records a container that runs already (e.g. the agent restarted); it is
   * reported as `instance_started` on every connect, like any running one.
   */
  adoptInstance(rentalId: string, containerId: string, connectionInfo: ConnectionInfo): void {
    this.rentals().running.set(rentalId, { containerId, connectionInfo });
    if (this.socket.connected) this.lifecycle('instance_started', { rentalId, containerId, connectionInfo });
  }

  /** Reports a container that ended by itself (crash, time limit). */
  reportStopped(rentalId: string, reason: InstanceStopped['reason'], errorMessage: string | null = null): void {
    this.rentals().ended(rentalId, reason, errorMessage);
  }

  /**
   * Drops the current connection the way a network failure would (the agent
   * sees a transport close and reconnects by its policy). For chaos testing;
   * a no-op unless the state is `connected`. Works on a link that is already
   * dead underneath (a stalled transport never finishes a polite close).
   */
  dropConnection(): void {
    if (this.reconnector.state !== 'connected') return;
    const engine = this.socket.io.engine;
    if (engine?.readyState === 'open') engine.close(); // the close path a real network failure takes
    // A transport with unsent writes waits for a drain that a dead link never gives.
    if (this.reconnector.state === 'connected') this.relink('dropConnection() called');
  }

  /**
   * fleet.md's `connectionInfo` for a start_instance command: `sshHost` from the
   * options, SSH on `proxyPortMapping["22"]`, the other ports as
   * `additionalPorts`. Throws FW_INVALID_ARGUMENT without `sshHost` or port 22
   * (in a start handler, that becomes the failed start's message).
   */
  connectionInfo(cmd: StartInstance): ConnectionInfo {
    if (this.opts.sshHost === undefined) {
      throw new FleetwireError(
        ErrorCodes.FW_INVALID_ARGUMENT,
        'FleetAgent: no connectionInfo to derive — pass `sshHost` in the options, or return `connectionInfo` from onStartInstance',
      );
    }
    return connectionInfoFor(cmd, this.opts.sshHost);
  }

  /** Sends one heartbeat now (also done automatically on connect and every interval). */
  heartbeatNow(): Promise<void> {
    return this.beat();
  }

  /** One connect attempt; a key provider is asked first, so a rotated key is used on every (re)connect. */
  private attempt(): void {
    const src = this.opts.apiKey;
    if (typeof src === 'string') {
      this.socket.connect();
      return;
    }
    resolveToken(src)
      .then((key) => {
        const problem = headerValueProblem(key);
        if (problem) throw new Error(`it returned a key that ${problem}, which can never be sent as an Authorization header`);
        return key;
      })
      .then(
        (key) => {
          const s = this.reconnector.state;
          if (s !== 'connecting' && s !== 'reconnecting') return; // closed meanwhile
          this.socket.auth = { token: key, nodeId: this.nodeId };
          const headers = (this.socket.io.opts.extraHeaders ??= {});
          headers.Authorization = `Bearer ${key}`;
          this.socket.connect();
        },
        (err: unknown) => {
          const error = this.fail(ErrorCodes.FW_HANDLER_FAILED, `apiKey provider failed: ${messageOf(err)}`, {}, err);
          this.reconnector.failed({ code: TransitionCodes.CONNECT_FAILED, reason: messageOf(err), error });
        },
      );
  }


  private rentals(): Rentals {
    if (this.rentalBook) return this.rentalBook;
    const host: RentalHost = {
      nodeId: this.nodeId,
      onStartInstance: this.opts.onStartInstance,
      onStopInstance: this.opts.onStopInstance,
      connectionInfo: (cmd) => this.connectionInfo(cmd),
      lifecycle: (event, payload) => this.lifecycle(event, payload),
      fail: (code, message, context, cause) => this.fail(code, message, context, cause),
      drained: () => {
        this.emit('drained');
        void this.beat(); // tell the control plane now rather than at the next tick
      },
    };
    return (this.rentalBook = new Rentals(host));
  }

  private box(): AckOutbox {
    if (this.outbox) return this.outbox;
    const box = new AckOutbox(
      (event, payload, timeoutMs) => this.socket.timeout(timeoutMs).emitWithAck(event, payload),
      { ackTimeoutMs: this.ackTimeoutMs, maxPending: this.opts.maxPendingEvents },
      {
        onAckTimeout: (e) =>
          this.fail(ErrorCodes.FW_ACK_TIMEOUT, `no ack for ${e.event} after ${this.ackTimeoutMs} ms; resending (attempt ${e.attempts + 1})`, {
            event: e.event,
            attempts: e.attempts,
          }),
      },
    );
    if (this.socket.connected) box.setOnline();
    return (this.outbox = box);
  }

  // ── socket wiring ────────────────────────────────────────────────────────

  private wireSocket(): void {
    const s = this.socket;
    s.on('connect', () => this.onConnect());
    s.on('connect_error', (err: Error) => {
      if (isRefusal(s)) {
        const error = this.fail(ErrorCodes.FW_AUTH_REJECTED, `control plane refused the key: ${err.message}`, { url: this.opts.url });
        this.reconnector.failed({ code: TransitionCodes.AUTH_REJECTED, reason: err.message, auth: true, error });
      } else {
        // Routine: carried by `reconnecting`, not `error`.
        const error = this.fault(ErrorCodes.FW_CONNECT_FAILED, `connect failed: ${err.message}`, { url: this.opts.url });
        this.reconnector.failed({ code: TransitionCodes.CONNECT_FAILED, reason: err.message, error });
      }
    });
    s.on('disconnect', (reason: string) => this.onDisconnect(reason));
    // One catch-all listener dispatches every command: each socket.on() costs a
    // listener array and a closure per agent, which adds up over 10,000 agents.
    s.onAny((event: string, payload: unknown, ack?: unknown) => {
      if (KNOWN_INBOUND.has(event)) this.onCommand(event as 'start_instance', payload, ack);
      else this.fail(ErrorCodes.FW_PROTOCOL_UNKNOWN, `unknown event from control plane: ${event}`, { event });
    });
  }

  private onConnect(): void {
    // socket.io-client defers the CONNECT packet by a tick: a malformed packet right
    // behind it closes the transport first, then `connect` arrives over nothing.
    const transportOpen = this.socket.io.engine?.readyState === 'open';
    if (!transportOpen || !this.reconnector.opened('authenticated on /fleet')) {
      this.discardTransport();
      // The close normally reached the loop already; if it did not, report it now.
      if (this.reconnector.state === 'connecting' || this.reconnector.state === 'connected') this.lost('transport closed before the connection was usable');
      return;
    }
    this.missedAcks = 0;
    void this.beat(); // at once, then every interval
    this.stopBeating();
    this.cancelBeat = this.scheduler.every(this.heartbeatIntervalMs, () => void this.beat());
    // Re-report running containers whose start is not already waiting in the outbox.
    const pendingStarts = new Set<string>();
    for (const e of this.pendingEvents) if (e.event === 'instance_started') pendingStarts.add((e.payload as InstanceStarted).rentalId);
    this.outbox?.setOnline();
    for (const [rentalId, r] of this.instances) {
      if (!pendingStarts.has(rentalId)) this.lifecycle('instance_started', { rentalId, containerId: r.containerId, connectionInfo: r.connectionInfo });
    }
  }

  private onDisconnect(reason: string): void {
    // close() and discardTransport() disconnect on purpose and report by themselves.
    if (reason === 'io client disconnect') return;
    // A server disconnect ("io server disconnect") is a kick, not a refusal, even
    // before the first ack: the control plane's newest-connection-wins rule does it
    // to healthy agents. Only a refused handshake (connect_error) is terminal.
    this.lost(reason);
  }

  /** The link is gone: stop using it and let the reconnect loop decide. */
  private lost(reason: string): void {
    this.goOffline();
    // Routine: `disconnected` (from the Reconnector) and `reconnecting` carry it, not `error`.
    const error = this.fault(ErrorCodes.FW_CONNECTION_LOST, `connection lost: ${reason}`, { reason });
    this.reconnector.failed({ code: TransitionCodes.CONNECTION_LOST, reason, error });
  }

  private goOffline(): void {
    this.stopBeating();
    this.outbox?.setOffline();
    // Anything socket.io buffered for this connection would be sent again on top of our resend.
    (this.socket as unknown as { sendBuffer: unknown[] }).sendBuffer = [];
  }

  /**
   * Resets socket.io-client's view of this connection so the next attempt opens a
   * fresh transport: its socket may still say `connected` over a closed engine,
   * and then `connect()` does nothing. Emits only 'io client disconnect', which
   * onDisconnect ignores, so the caller decides what the state machine hears.
   */
  private discardTransport(): void {
    const engine = this.socket.io.engine;
    this.goOffline();
    this.socket.disconnect();
    // A stalled engine waits for a drain before closing; do not keep its socket open.
    if (engine && engine.readyState !== 'closed') engine.transport?.close();
  }

  /** Tears down a link that is dead underneath and reconnects by the backoff policy. */
  private relink(reason: string): void {
    this.discardTransport();
    this.lost(reason);
  }

  private stopBeating(): void {
    this.cancelBeat?.();
    this.cancelBeat = null;
  }

  // ── heartbeats ───────────────────────────────────────────────────────────

  /**
   * Sends one heartbeat. A synchronous provider is called and sent in the same
   * tick (so "heartbeat at once on reconnect" really is the first message); an
   * async one is awaited.
   */
  private beat(): Promise<void> {
    if (!this.socket.connected) return Promise.resolve();
    let m: FleetMetrics | Promise<FleetMetrics>;
    try {
      m = this.opts.metrics();
    } catch (err) {
      this.metricsFailed(err);
      return Promise.resolve();
    }
    if (m instanceof Promise) return m.then((metrics) => this.sendHeartbeat(metrics), (err) => this.metricsFailed(err));
    this.sendHeartbeat(m);
    return Promise.resolve();
  }

  private metricsFailed(err: unknown): void {
    this.fail(ErrorCodes.FW_HANDLER_FAILED, `metrics provider failed: ${messageOf(err)}; heartbeat skipped`, {}, err);
  }

  private sendHeartbeat(metrics: FleetMetrics): void {
    if (!this.socket.connected) return;
    const hb: Heartbeat = { nodeId: this.nodeId, status: this.status, metrics };
    if (!V.heartbeat.check(hb)) {
      this.fail(ErrorCodes.FW_HANDLER_FAILED, `metrics provider returned an invalid shape; heartbeat skipped`, {
        problems: V.heartbeat.explain(hb),
      });
      return;
    }
    const t0 = now();
    this.socket.timeout(this.ackTimeoutMs).emit('heartbeat', hb, (err: Error | null, ack: unknown) => {
      if (err) {
        if (!this.socket.connected) return;
        this.missedAcks++;
        this.fail(ErrorCodes.FW_ACK_TIMEOUT, `heartbeat not acknowledged within ${this.ackTimeoutMs} ms (${this.missedAcks} in a row)`, {
          event: 'heartbeat',
          missed: this.missedAcks,
        });
        // An open socket that answers nothing is a dead link (a half-open TCP
        // connection, a server stuck on this peer): drop it and reconnect.
        if (this.missedAcks >= this.deadAfterMissedAcks) this.relink(`${this.missedAcks} heartbeats in a row not acknowledged`);
        return;
      }
      if (!V.ack.check(ack) || ack.success !== true) {
        this.fail(ErrorCodes.FW_ACK_REJECTED, 'heartbeat ack was not {success:true}', { event: 'heartbeat', ack });
        return;
      }
      this.missedAcks = 0;
      this.lastRtt = now() - t0;
      this.emit('heartbeat_ack', { rttMs: this.lastRtt });
    });
    this.emit('heartbeat', hb);
  }

  // ── commands ─────────────────────────────────────────────────────────────

  private onCommand(event: 'start_instance' | 'stop_instance' | 'drain_node', payload: unknown, ack: unknown): void {
    const v = V[event];
    const reply = typeof ack === 'function' ? (ack as (a: unknown) => void) : null;
    if (!v.check(payload)) {
      const problems = v.explain(payload);
      this.fail(ErrorCodes.FW_PROTOCOL_INVALID, `invalid ${event} from control plane: ${problems.join('; ')}`, { event, problems, payload });
      reply?.({ success: false, error: `invalid ${event}: ${problems.join('; ')}` });
      return;
    }
    reply?.({ success: true });
    if (event === 'start_instance') {
      this.emit('start_instance', payload as StartInstance);
      void this.rentals().start(payload as StartInstance);
    } else if (event === 'stop_instance') {
      this.emit('stop_instance', payload as StopInstance);
      void this.rentals().stop(payload as StopInstance);
    } else {
      this.emit('drain_node', payload as Parameters<FleetAgentEvents['drain_node']>[0]);
      this.rentals().drain();
    }
  }

  // ── lifecycle delivery ───────────────────────────────────────────────────

  private lifecycle(event: 'instance_started' | 'instance_stopped', payload: InstanceStarted | InstanceStopped): void {
    if (event === 'instance_started') this.emit('instance_started', payload as InstanceStarted);
    else this.emit('instance_stopped', payload as InstanceStopped);
    this.box().push(event, payload).then(
      (ack) => {
        if (V.ack.check(ack) && ack.success) this.emit('delivered', event, payload);
        else this.fail(ErrorCodes.FW_ACK_REJECTED, `${event} ack was not {success:true}`, { event, ack });
      },
      (err: FleetwireError) => this.emit('error', err),
    );
  }

  /** Emits a fault on `error` and returns it. */
  private fail(code: FleetwireError['code'], message: string, context: Record<string, unknown> = {}, cause?: unknown): FleetwireError {
    const err = this.fault(code, message, context, cause);
    this.emit('error', err);
    return err;
  }

  /** Builds an error without emitting it (reconnect noise: carried by `reconnecting` and connect()'s rejection). */
  private fault(code: FleetwireError['code'], message: string, context: Record<string, unknown> = {}, cause?: unknown): FleetwireError {
    return new FleetwireError(code, message, { nodeId: this.nodeId, ...context }, cause === undefined ? undefined : { cause });
  }
}
