/**
 * The reconnect loop every client shares: owns the state machine, the backoff,
 * the retry timer and the promises returned by connect(); a client supplies
 * `attempt()` (open one transport) and reports back with `opened()` /
 * `failed()`. Keeping the policy here means the five dialects cannot drift
 * apart on what "retry", "terminal", `connected` or `disconnected` mean.
 */
import { Backoff, type BackoffOptions } from './backoff.js';
import type { ConnectedInfo, ConnectOptions, DisconnectedInfo, RetryInfo } from './client.js';
import { ErrorCodes, FleetwireError, type ErrorCode } from './errors.js';
import { StateMachine, TransitionCodes, type StateTransition, type TransitionCode } from './state.js';
import type { TimerHandle } from './timers.js';

export interface ReconnectOptions {
  /** Backoff policy; defaults: 1 s initial, ×2, 30 s cap, unlimited, reset after 5 s up. */
  backoff?: BackoffOptions;
  /**
   * Retry after an auth rejection (bad key, 401, close 4001/1008) instead of
   * stopping. Default false: a bad key must not hammer a control plane.
   */
  retryOnAuthFailure?: boolean;
  /** Reconnect at all after a lost connection or a failed attempt. Default true. */
  reconnect?: boolean;
  /**
   * Runs the retry timer (the backoff delay before the next attempt). Default:
   * `setTimeout` / `clearTimeout`. A simulator with thousands of agents passes
   * one shared timer (e.g. a timer wheel) so a reconnect storm does not arm one
   * timer per agent.
   */
  retryTimer?: RetryTimer;
}

/** One-shot timers, as the reconnect loop needs them (see {@link ReconnectOptions.retryTimer}). */
export interface RetryTimer {
  /** Calls `fn` once after `ms`; returns a handle for clear(). */
  set(fn: () => void, ms: number): unknown;
  /** Cancels a pending set(); a no-op when it already ran. */
  clear(handle: unknown): void;
}

const plainTimers: RetryTimer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as TimerHandle),
};

export interface Failure {
  code: TransitionCode;
  reason: string;
  /** Auth-type failure: terminal unless retryOnAuthFailure. */
  auth?: boolean;
  /** Always terminal (e.g. token expired with no provider). */
  terminal?: boolean;
  /** The WebSocket close code, when there was one. */
  closeCode?: number;
  /** The failure as an error with its context: carried by `reconnecting`, and what connect() rejects with when final. */
  error?: FleetwireError;
}

export interface ReconnectorHooks {
  /** Opens one transport attempt. Must eventually lead to opened() or failed(). */
  attempt(): void;
  /** Every state transition. */
  onTransition(t: StateTransition): void;
  /** A retry was scheduled. */
  onRetryScheduled?(info: RetryInfo): void;
  /** The state became `connected`. */
  onConnected?(info: ConnectedInfo): void;
  /** A connected client lost its connection (after the state changed). */
  onDisconnected?(info: DisconnectedInfo): void;
}

/**
 * Routes the Reconnector's callbacks to an emitter as `state`, `reconnecting`,
 * `connected` and `disconnected` events — methods on one small object instead
 * of a closure per callback, because this exists once per agent and 10,000
 * agents in one process is the design point.
 */
export class EmitterHooks implements ReconnectorHooks {
  constructor(
    private readonly target: { emit(event: string, ...args: unknown[]): boolean },
    readonly attempt: () => void,
  ) {}
  onTransition(t: StateTransition): void {
    this.target.emit('state', t);
  }
  onRetryScheduled(info: RetryInfo): void {
    this.target.emit('reconnecting', info);
  }
  onConnected(info: ConnectedInfo): void {
    this.target.emit('connected', info);
  }
  onDisconnected(info: DisconnectedInfo): void {
    this.target.emit('disconnected', info);
  }
}

interface Waiter {
  resolve(): void;
  reject(err: FleetwireError): void;
  timer: TimerHandle | null;
}

/** The error code a terminal transition's code stands for (what connect() rejects with when no Failure error was given). */
const TERMINAL_ERROR: Partial<Record<TransitionCode, ErrorCode>> = {
  AUTH_REJECTED: ErrorCodes.FW_AUTH_REJECTED,
  TOKEN_EXPIRED: ErrorCodes.FW_TOKEN_EXPIRED,
  RETRIES_EXHAUSTED: ErrorCodes.FW_RETRIES_EXHAUSTED,
  CLOSE_CALLED: ErrorCodes.FW_CLOSED,
  CONNECT_FAILED: ErrorCodes.FW_CONNECT_FAILED,
  CONNECTION_LOST: ErrorCodes.FW_CONNECTION_LOST,
};

const noop = (): void => {};

export class Reconnector {
  readonly machine: StateMachine;
  private readonly backoff: Backoff;
  /** The one pending retry, if any (a single handle, not a set: this object exists once per agent). */
  private retryTimer: unknown = null;
  private readonly timers: RetryTimer;
  /**
   * True between an attempt() and the opened()/failed() that answers it. An
   * opened() with no attempt in flight is a stale report about a transport the
   * loop already counted as failed (socket.io-client can report `connect` one
   * tick after the same transport closed); accepting it would leave the client
   * `connected` with nothing underneath and the pending retry cancelled.
   */
  private attemptInFlight = false;
  /** Pending connect() promises; null when there are none (most agents never await). */
  private waiters: Set<Waiter> | null = null;
  /** Connections accepted since the last connect() from idle/closed. */
  private connections = 0;

  constructor(
    private readonly options: ReconnectOptions,
    private readonly hooks: ReconnectorHooks,
  ) {
    this.backoff = new Backoff(options.backoff);
    this.timers = options.retryTimer ?? plainTimers;
    this.machine = new StateMachine((t) => hooks.onTransition(t));
  }

  get state() {
    return this.machine.state;
  }

  /**
   * start() plus a promise of `value` for the first accepted connection (see
   * FleetwireClient.connect). Already connected: resolves at once. The promise
   * carries a no-op handler, so a caller that ignores it gets no unhandled rejection.
   */
  connect<T>(value: T, options: ConnectOptions = {}): Promise<T> {
    if (this.machine.state === 'connected') return Promise.resolve(value);
    const p = new Promise<T>((resolve, reject) => {
      const w: Waiter = { resolve: () => resolve(value), reject, timer: null };
      const ms = options.timeoutMs;
      if (ms !== undefined) {
        w.timer = setTimeout(() => {
          this.waiters?.delete(w);
          reject(new FleetwireError(ErrorCodes.FW_TIMEOUT, `no accepted connection within ${ms} ms; still ${this.machine.state}`, { timeoutMs: ms, state: this.machine.state }));
        }, ms);
      }
      (this.waiters ??= new Set()).add(w);
    });
    p.catch(noop);
    this.start();
    return p;
  }

  /** idle/closed → connecting, then the first attempt. No-op when already active. */
  start(): void {
    const s = this.machine.state;
    if (s !== 'idle' && s !== 'closed') return;
    if (s === 'closed') this.backoff.reset();
    this.connections = 0;
    this.machine.transition('connecting', TransitionCodes.CONNECT_CALLED, 'connect() called');
    this.runAttempt();
  }

  /**
   * The transport is open and (where the dialect has one) authenticated.
   * Returns false when the report is stale (no attempt in flight: the loop
   * already saw this transport fail, or the client is closed); the caller must
   * then discard that transport instead of using it.
   */
  opened(reason = 'connected'): boolean {
    const s = this.machine.state;
    if ((s !== 'connecting' && s !== 'reconnecting') || !this.attemptInFlight) return false;
    this.attemptInFlight = false;
    this.backoff.connected();
    this.machine.transition('connected', TransitionCodes.CONNECTED, reason);
    this.hooks.onConnected?.({ reason, reconnected: this.connections++ > 0 });
    this.settle(null);
    return true;
  }

  /** An attempt failed or a live connection was lost. Decides: retry or stop. */
  failed(f: Failure): void {
    const s = this.machine.state;
    if (s === 'closed' || s === 'idle') return;
    this.attemptInFlight = false;
    this.backoff.disconnected();
    const terminal = f.terminal || (f.auth && !this.options.retryOnAuthFailure) || this.options.reconnect === false;
    const delay = terminal ? null : this.backoff.next();
    if (delay === null) {
      const exhausted = !terminal;
      const code = exhausted ? TransitionCodes.RETRIES_EXHAUSTED : f.code;
      const reason = exhausted ? `gave up after ${this.backoff.attempts} attempts; last: ${f.reason}` : f.reason;
      this.machine.transition('closed', code, reason);
      if (s === 'connected') this.hooks.onDisconnected?.(disconnectInfo(f, false));
      this.settle(exhausted ? new FleetwireError(ErrorCodes.FW_RETRIES_EXHAUSTED, reason, {}, { cause: f.error }) : errorOf(f));
      return;
    }
    // A failed retry while already reconnecting is not a transition: only the retry event says so.
    if (s !== 'reconnecting') this.machine.transition('reconnecting', f.code, f.reason);
    if (s === 'connected') this.hooks.onDisconnected?.(disconnectInfo(f, true));
    this.hooks.onRetryScheduled?.({ attempt: this.backoff.attempts, delayMs: delay, code: f.code, reason: f.reason, ...(f.error && { error: f.error }) });
    this.cancelRetry();
    this.retryTimer = this.timers.set(() => {
      this.retryTimer = null;
      if (this.machine.state === 'reconnecting') this.runAttempt();
    }, delay);
  }

  /** → closed; cancels any pending retry; pending connect() promises reject with FW_CLOSED. */
  stop(reason = 'close() called'): void {
    this.cancelRetry();
    this.attemptInFlight = false;
    if (this.machine.state !== 'closed') this.machine.transition('closed', TransitionCodes.CLOSE_CALLED, reason);
    this.settle(new FleetwireError(ErrorCodes.FW_CLOSED, `closed before a connection was accepted: ${reason}`));
  }

  private settle(err: FleetwireError | null): void {
    const ws = this.waiters;
    if (!ws) return;
    this.waiters = null;
    for (const w of ws) {
      if (w.timer !== null) clearTimeout(w.timer);
      if (err) w.reject(err);
      else w.resolve();
    }
  }

  private runAttempt(): void {
    this.attemptInFlight = true;
    this.hooks.attempt();
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
  }
}

function disconnectInfo(f: Failure, willRetry: boolean): DisconnectedInfo {
  return f.closeCode === undefined ? { code: f.code, reason: f.reason, willRetry } : { code: f.code, reason: f.reason, closeCode: f.closeCode, willRetry };
}

function errorOf(f: Failure): FleetwireError {
  return f.error ?? new FleetwireError(TERMINAL_ERROR[f.code] ?? ErrorCodes.FW_CONNECT_FAILED, f.reason, { code: f.code });
}
