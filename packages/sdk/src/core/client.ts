/**
 * The one shape every fleetwire client shares (FleetAgent, MonitorAgent, the
 * monitor streams, LightdConsole, VStatsAgent, VStatsDashboard,
 * ControlPlaneEvents): `connect()` you can await, `close()`, `state`, and the
 * same five connection events with the same payloads. Code that wires several
 * clients at once types them as {@link FleetwireClient}.
 *
 * The rule for the two "something happened" channels:
 * - `error` is for what a person must act on: a refused credential, a message
 *   that broke the protocol, a handler or provider that threw, a full queue.
 * - routine reconnect noise — a connection that dropped, an attempt that
 *   failed — is `disconnected` (an established connection ended) and
 *   `reconnecting` (a retry is scheduled), never `error`.
 */
import type { FleetwireError } from './errors.js';
import type { ConnectionState, StateTransition, TransitionCode } from './state.js';

/** Payload of `connected`: the dialect's handshake (auth where it has one) succeeded. */
export interface ConnectedInfo {
  /** What made it count as connected, e.g. `auth_success as srv-1`. */
  reason: string;
  /** False for the first connection after connect(), true for every reconnect after it. */
  reconnected: boolean;
}

/** Payload of `disconnected`: an established (authenticated) connection ended, not by close(). */
export interface DisconnectedInfo {
  /** Stable code: `CONNECTION_LOST`, `AUTH_REJECTED`, `TOKEN_EXPIRED`. */
  code: TransitionCode;
  /** Human reason, e.g. `close 1006` or Socket.IO's `transport close`. */
  reason: string;
  /** The WebSocket close code, when the transport gave one (plain-WebSocket dialects). */
  closeCode?: number;
  /** True when a reconnect follows; false when the client went to `closed`. */
  willRetry: boolean;
}

/** Payload of `reconnecting`: one attempt failed (or a connection dropped) and the next one is scheduled. */
export interface RetryInfo {
  /** Attempts since the last healthy connection (1 for the first retry). */
  attempt: number;
  /** Delay before the next attempt, ms (backoff with full jitter). */
  delayMs: number;
  /** Why: `CONNECT_FAILED`, `CONNECTION_LOST`, `TOKEN_EXPIRED`, … */
  code: TransitionCode;
  reason: string;
  /** The failure with its context (URL, close code, HTTP status), for logs. Not emitted on `error`. */
  error?: FleetwireError;
}

/** The connection events every client emits, with these exact payloads. */
export interface ClientEvents {
  /** Every change of state (never a self-transition), with a stable code and a reason. */
  state: (t: StateTransition) => void;
  /** Connected and, where the dialect has an auth step, accepted. Also after every reconnect. */
  connected: (info: ConnectedInfo) => void;
  /** An established connection ended (not by close()). */
  disconnected: (info: DisconnectedInfo) => void;
  /** A retry is scheduled (the state stays `reconnecting` across retries). */
  reconnecting: (info: RetryInfo) => void;
  /** A fault to act on (auth, protocol, handler, usage), with a stable code. Never thrown. */
  error: (err: FleetwireError) => void;
}

/** Options of {@link FleetwireClient.connect}. */
export interface ConnectOptions {
  /**
   * Reject the returned promise with FW_TIMEOUT when no connection was accepted
   * within this many ms. The client keeps reconnecting (call close() to stop it).
   * Default: no timeout.
   */
  timeoutMs?: number;
}

/** What every fleetwire client is, whatever its dialect. */
export interface FleetwireClient {
  /**
   * Starts connecting (and reconnecting, by the backoff policy). The promise
   * resolves on the first accepted connection and rejects with a
   * FleetwireError when the attempt is final: FW_AUTH_REJECTED,
   * FW_TOKEN_EXPIRED, FW_RETRIES_EXHAUSTED, FW_CONNECT_FAILED (with
   * `reconnect: false`), FW_CLOSED (close() was called) or FW_TIMEOUT
   * (`timeoutMs`). Ignoring the promise is safe: it never causes an
   * unhandled rejection.
   */
  connect(options?: ConnectOptions): Promise<this>;
  /** Closes for good: no more retries; pending operations are rejected with FW_CLOSED. */
  close(): void;
  /** The connection state: idle, connecting, connected, reconnecting or closed. */
  readonly state: ConnectionState;
  // One overload per event (rather than a generic over the map) so that every
  // client's own eventemitter3 signature, over its larger event map, matches.
  on(event: 'state', listener: ClientEvents['state']): this;
  on(event: 'connected', listener: ClientEvents['connected']): this;
  on(event: 'disconnected', listener: ClientEvents['disconnected']): this;
  on(event: 'reconnecting', listener: ClientEvents['reconnecting']): this;
  on(event: 'error', listener: ClientEvents['error']): this;
  once(event: 'state', listener: ClientEvents['state']): this;
  once(event: 'connected', listener: ClientEvents['connected']): this;
  once(event: 'disconnected', listener: ClientEvents['disconnected']): this;
  once(event: 'reconnecting', listener: ClientEvents['reconnecting']): this;
  once(event: 'error', listener: ClientEvents['error']): this;
  off(event: 'state', listener?: ClientEvents['state']): this;
  off(event: 'connected', listener?: ClientEvents['connected']): this;
  off(event: 'disconnected', listener?: ClientEvents['disconnected']): this;
  off(event: 'reconnecting', listener?: ClientEvents['reconnecting']): this;
  off(event: 'error', listener?: ClientEvents['error']): this;
}
