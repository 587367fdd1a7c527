/**
 * The connection state machine every client shares (centrifuge-js style): an
 * explicit set of states, a table of allowed transitions, and for each
 * transition a stable code and a human reason, emitted as a `state` event.
 *
 *   idle ─connect─▶ connecting ─open─▶ connected ─lost─▶ reconnecting ─open─▶ connected
 *                        │                  │                  │
 *                        └──────── terminal / close() ─────────┴──▶ closed ─connect─▶ connecting
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Stable codes for transitions. Part of the public API. */
export const TransitionCodes = {
  CONNECT_CALLED: 'CONNECT_CALLED',
  CONNECTED: 'CONNECTED',
  CONNECT_FAILED: 'CONNECT_FAILED',
  CONNECTION_LOST: 'CONNECTION_LOST',
  AUTH_REJECTED: 'AUTH_REJECTED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  RETRIES_EXHAUSTED: 'RETRIES_EXHAUSTED',
  CLOSE_CALLED: 'CLOSE_CALLED',
} as const;
export type TransitionCode = (typeof TransitionCodes)[keyof typeof TransitionCodes];

export interface StateTransition {
  from: ConnectionState;
  to: ConnectionState;
  code: TransitionCode;
  reason: string;
  /** Epoch ms of the transition. */
  at: number;
}

const ALLOWED: Record<ConnectionState, readonly ConnectionState[]> = {
  idle: ['connecting', 'closed'],
  connecting: ['connected', 'reconnecting', 'closed'],
  connected: ['reconnecting', 'closed'],
  // No reconnecting → reconnecting: a failed retry is not a change of state; it is a `reconnecting` (retry) event.
  reconnecting: ['connected', 'closed'],
  closed: ['connecting'],
};

export class StateMachine {
  private current: ConnectionState = 'idle';

  constructor(private readonly onTransition: (t: StateTransition) => void) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** True when `to` is reachable from the current state. */
  can(to: ConnectionState): boolean {
    return ALLOWED[this.current].includes(to);
  }

  /**
   * Moves to `to`. An illegal transition is a bug in fleetwire, not bad input,
   * so it throws (tests catch it); callers check `can()` where a race is legitimate.
   */
  transition(to: ConnectionState, code: TransitionCode, reason: string): StateTransition {
    const from = this.current;
    if (!ALLOWED[from].includes(to)) throw new Error(`fleetwire: illegal state transition ${from} → ${to} (${code})`);
    this.current = to;
    const t: StateTransition = { from, to, code, reason, at: Date.now() };
    this.onTransition(t);
    return t;
  }
}
