/**
 * How many agents the ramp may start now: a token bucket refilled at the ramp
 * rate and capped at a short burst, so a stalled event loop (GC, a busy core)
 * catches up at the ramp rate instead of opening every overdue connection in
 * one synchronous burst; and never more first connection attempts in flight
 * than a bound, so a slow control plane makes the ramp wait rather than pile
 * up handshakes (which is how a 20–30k ramp turned into reconnect churn).
 */
export interface RampOptions {
  /** Agents started per second. */
  ratePerSec: number;
  /** Most first attempts in flight at once. Default 2 × ratePerSec (two seconds' worth), at least 1. */
  maxInFlight?: number;
  /** Most agents started in one call, in seconds of ramp. Default 0.1 s, at least 1 agent. */
  burstSeconds?: number;
}

export class RampGate {
  readonly maxInFlight: number;
  private readonly burst: number;
  private credit = 1; // the first agent goes at once
  private last: number | null = null;

  constructor(private readonly o: RampOptions) {
    if (!(o.ratePerSec > 0)) throw new RangeError(`ramp rate must be > 0, got ${o.ratePerSec}`);
    this.maxInFlight = Math.max(1, Math.floor(o.maxInFlight ?? 2 * o.ratePerSec));
    this.burst = Math.max(1, o.ratePerSec * (o.burstSeconds ?? 0.1));
  }

  /** How many to start at time `nowMs` given `inFlight` first attempts still open; the caller starts exactly that many. */
  take(nowMs: number, inFlight: number): number {
    if (this.last !== null) this.credit = Math.min(this.burst, this.credit + ((nowMs - this.last) / 1000) * this.o.ratePerSec);
    this.last = nowMs;
    const n = Math.max(0, Math.min(Math.floor(this.credit), this.maxInFlight - inFlight));
    this.credit -= n;
    return n;
  }
}
