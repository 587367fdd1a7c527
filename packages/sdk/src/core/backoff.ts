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
};

export class Backoff {
  private readonly opts: Required<BackoffOptions>;
  private attempt = 0;
  private connectedAt: number | null = null;

  constructor(options: BackoffOptions = {}) {
    this.opts = { ...DEFAULT_BACKOFF, random: Math.random, ...stripUndefined(options) };
    const o = this.opts;
    if (!(o.initialDelayMs >= 0)) invalidArgument(`backoff.initialDelayMs must be a number ≥ 0, got ${String(o.initialDelayMs)}`);
    if (!(o.factor >= 1)) invalidArgument(`backoff.factor must be ≥ 1, got ${String(o.factor)}`);
    if (!(o.maxDelayMs >= o.initialDelayMs)) {
      invalidArgument(`backoff.maxDelayMs (${String(o.maxDelayMs)}) must be ≥ initialDelayMs (${String(o.initialDelayMs)})`);
    }
    if (!(o.maxAttempts >= 0)) invalidArgument(`backoff.maxAttempts must be ≥ 0 (Infinity for unlimited), got ${String(o.maxAttempts)}`);
    if (!(o.minUptimeMs >= 0)) invalidArgument(`backoff.minUptimeMs must be ≥ 0, got ${String(o.minUptimeMs)}`);
  }

  /** Failed attempts since the last healthy connection. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt, or `null` when the policy gives up. */
  next(): number | null {
    if (this.attempt >= this.opts.maxAttempts) return null;
    const { initialDelayMs, factor, maxDelayMs, jitter, random } = this.opts;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * Math.pow(factor, this.attempt));
    this.attempt++;
    return jitter === 'none' ? ceiling : Math.floor(random() * ceiling);
  }

  /** Call when a connection is established. */
  connected(now: number = Date.now()): void {
    this.connectedAt = now;
  }

  /** Call when a connection ends; resets the counter if it stayed up long enough. */
  disconnected(now: number = Date.now()): void {
    if (this.connectedAt !== null && now - this.connectedAt >= this.opts.minUptimeMs) this.attempt = 0;
    this.connectedAt = null;
  }

  /** Forget all history (used when the caller calls connect() again after close()). */
  reset(): void {
    this.attempt = 0;
    this.connectedAt = null;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
