/**
 * The reconnect loop every client shares: owns the state machine, the backoff
 * and the retry timer; a client supplies `attempt()` (open one transport) and
 * reports back with `opened()` / `failed()`. Keeping the policy here means the
 * five dialects cannot drift apart on what "retry" or "terminal" means.
 */
import { Backoff, type BackoffOptions } from './backoff.js';
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
  /** Reconnect at all after a lost connection. Default true. */
  reconnect?: boolean;
}

export interface Failure {
  code: TransitionCode;
  reason: string;
  /** Auth-type failure: terminal unless retryOnAuthFailure. */
  auth?: boolean;
  /** Always terminal (e.g. token expired with no provider). */
  terminal?: boolean;
}

export interface ReconnectorHooks {
  /** Opens one transport attempt. Must eventually lead to opened() or failed(). */
  attempt(): void;
  /** Every state transition. */
  onTransition(t: StateTransition): void;
  /** A retry was scheduled in `delayMs` (attempt n since the last healthy connection). */
  onRetryScheduled?(delayMs: number, attempt: number): void;
}

export class Reconnector {
  readonly machine: StateMachine;
  private readonly backoff: Backoff;
  /** The one pending retry, if any (a single handle, not a set: this object exists once per agent). */
  private retryTimer: TimerHandle | null = null;
  /**
   * True between an attempt() and the opened()/failed() that answers it. An
   * opened() with no attempt in flight is a stale report about a transport the
   * loop already counted as failed (socket.io-client can report `connect` one
   * tick after the same transport closed); accepting it would leave the client
   * `connected` with nothing underneath and the pending retry cancelled.
   */
  private attemptInFlight = false;

  constructor(
    private readonly options: ReconnectOptions,
    private readonly hooks: ReconnectorHooks,
  ) {
    this.backoff = new Backoff(options.backoff);
    this.machine = new StateMachine((t) => hooks.onTransition(t));
  }

  get state() {
    return this.machine.state;
  }

  /** idle/closed → connecting, then the first attempt. No-op when already active. */
  start(): void {
    const s = this.machine.state;
    if (s !== 'idle' && s !== 'closed') return;
    if (s === 'closed') this.backoff.reset();
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
    return true;
  }

  /** An attempt failed or a live connection was lost. Decides: retry or stop. */
  failed(f: Failure): void {
    const s = this.machine.state;
    if (s === 'closed' || s === 'idle') return;
    this.attemptInFlight = false;
    this.backoff.disconnected();
    const terminal = f.terminal || (f.auth && !this.options.retryOnAuthFailure) || this.options.reconnect === false;
    if (terminal) {
      this.machine.transition('closed', f.code, f.reason);
      return;
    }
    const delay = this.backoff.next();
    if (delay === null) {
      this.machine.transition('closed', TransitionCodes.RETRIES_EXHAUSTED, `gave up after ${this.backoff.attempts} attempts; last: ${f.reason}`);
      return;
    }
    this.machine.transition('reconnecting', f.code, f.reason);
    this.hooks.onRetryScheduled?.(delay, this.backoff.attempts);
    this.cancelRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.machine.state === 'reconnecting') this.runAttempt();
    }, delay);
  }

  /** → closed; cancels any pending retry. */
  stop(reason = 'close() called'): void {
    this.cancelRetry();
    this.attemptInFlight = false;
    if (this.machine.state !== 'closed') this.machine.transition('closed', TransitionCodes.CLOSE_CALLED, reason);
  }

  private runAttempt(): void {
    this.attemptInFlight = true;
    this.hooks.attempt();
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
