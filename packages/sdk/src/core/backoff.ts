/**
 * Reconnect delays: exponential with full jitter (AWS architecture blog,
 * "Exponential Backoff And Jitter"): delay = random(0, min(cap, initial·factorⁿ)).
 * Full jitter spreads a fleet that lost its control plane at the same instant,
 * so 10,000 agents do not come back in one thundering herd.
 *
 * The attempt counter resets only after a connection stayed up `minUptimeMs`
 * (partysocket): a control plane that accepts and then drops at once must not
 * reset us to the 1 s delay on every flap.
 *
 * Not p-retry: its `randomize` is a [1,2) multiplier (not full jitter) and it
 * has no notion of "the connection stayed up long enough to count as healthy".
 */
import { invalidArgument } from './errors.js';

export interface BackoffOptions {
  /** First delay ceiling in ms. Default 1000. */
  initialDelayMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Upper bound of any delay in ms. Default 30000. */
  maxDelayMs?: number;
  /** Attempts before giving up; `Infinity` never gives up. Default Infinity. */
  maxAttempts?: number;
  /** Uptime in ms after which the attempt counter resets. Default 5000. */
  minUptimeMs?: number;
  /**
   * `full` (default): uniform in [0, ceiling]. `none`: exactly the ceiling — use it
   * to reproduce a documented client, e.g. control-plane.md's min(1000·2ⁿ, 30000).
   */
  jitter?: 'full' | 'none';
  /** Random source in [0,1); injectable for tests and seeded simulations. Default Math.random. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = {
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 30_000,
  maxAttempts: Infinity,
  minUptimeMs: 5000,
  jitter: 'full',
} as const;

/**
 * The reconnect policy of control-plane.md's reference client: 10 attempts,
 * delay min(1000·2ⁿ, 30000) with n starting at 1, no jitter.
 */
export const CONTROL_PLANE_DOCUMENTED_BACKOFF: BackoffOptions = {
  initialDelayMs: 2000,
  factor: 2,
  maxDelayMs: 30_000,
  maxAttempts: 10,
  jitter: 'none',
  // The documented client resets its counter as soon as a connection opens.
  minUptimeMs: 0,
};

export class Backoff {
  // Plain fields, not a spread options object: one Backoff exists per agent and
  // a dictionary-mode options copy costs ~4× the memory of these slots.
  private readonly initialDelayMs: number;
  private readonly factor: number;
  private readonly maxDelayMs: number;
  private readonly maxAttempts: number;
  private readonly minUptimeMs: number;
  private readonly jitter: 'full' | 'none';
  private readonly random: () => number;
  private attempt = 0;
  private connectedAt = -1;

  constructor(options: BackoffOptions = {}) {
    this.initialDelayMs = options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs;
    this.factor = options.factor ?? DEFAULT_BACKOFF.factor;
    this.maxDelayMs = options.maxDelayMs ?? Math.max(DEFAULT_BACKOFF.maxDelayMs, this.initialDelayMs);
    this.maxAttempts = options.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts;
    this.minUptimeMs = options.minUptimeMs ?? DEFAULT_BACKOFF.minUptimeMs;
    this.jitter = options.jitter ?? DEFAULT_BACKOFF.jitter;
    this.random = options.random ?? Math.random;
    if (!(this.initialDelayMs >= 0)) invalidArgument(`backoff.initialDelayMs must be a number ≥ 0, got ${String(this.initialDelayMs)}`);
    if (!(this.factor >= 1)) invalidArgument(`backoff.factor must be ≥ 1, got ${String(this.factor)}`);
    if (!(this.maxDelayMs >= this.initialDelayMs)) {
      invalidArgument(`backoff.maxDelayMs (${String(this.maxDelayMs)}) must be ≥ initialDelayMs (${String(this.initialDelayMs)})`);
    }
    if (!(this.maxAttempts >= 0)) invalidArgument(`backoff.maxAttempts must be ≥ 0 (Infinity for unlimited), got ${String(this.maxAttempts)}`);
    if (!(this.minUptimeMs >= 0)) invalidArgument(`backoff.minUptimeMs must be ≥ 0, got ${String(this.minUptimeMs)}`);
    if (this.jitter !== 'full' && this.jitter !== 'none') invalidArgument(`backoff.jitter must be 'full' or 'none', got ${String(this.jitter)}`);
  }

  /** Failed attempts since the last healthy connection. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt, or `null` when the policy gives up. */
  next(): number | null {
    if (this.attempt >= this.maxAttempts) return null;
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * Math.pow(this.factor, this.attempt));
    this.attempt++;
    return this.jitter === 'none' ? ceiling : Math.floor(this.random() * ceiling);
  }

  /** Call when a connection is established. */
  connected(now: number = Date.now()): void {
    this.connectedAt = now;
  }

  /** Call when a connection ends; resets the counter if it stayed up long enough. */
  disconnected(now: number = Date.now()): void {
    if (this.connectedAt >= 0 && now - this.connectedAt >= this.minUptimeMs) this.attempt = 0;
    this.connectedAt = -1;
  }

  /** Forget all history (used when the caller calls connect() again after close()). */
  reset(): void {
    this.attempt = 0;
    this.connectedAt = -1;
  }
}
