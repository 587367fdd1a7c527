import { describe, expect, it } from 'vitest';
import { RampGate } from './ramp.js';

/** Calls take() every `stepMs` from 0 to `untilMs`, with nothing ever in flight; the total started. */
function drive(g: RampGate, stepMs: number, untilMs: number, inFlight = () => 0): number {
  let started = 0;
  for (let t = 0; t <= untilMs; t += stepMs) started += g.take(t, inFlight());
  return started;
}

describe('RampGate', () => {
  it('starts agents at the rate: 1,000/s over 2 s in 10 ms ticks is ~2,000, never a tick above the burst', () => {
    const g = new RampGate({ ratePerSec: 1000, maxInFlight: 1e9 });
    let most = 0;
    let total = 0;
    for (let t = 0; t <= 2000; t += 10) {
      const n = g.take(t, 0);
      most = Math.max(most, n);
      total += n;
    }
    expect(total).toBeGreaterThanOrEqual(1999);
    expect(total).toBeLessThanOrEqual(2001);
    expect(most).toBeLessThanOrEqual(100); // 0.1 s of 1,000/s
  });

  it('after a 500 ms stall it starts at most 0.1 s worth, not the 500 overdue agents', () => {
    const g = new RampGate({ ratePerSec: 1000, maxInFlight: 1e9 });
    expect(g.take(0, 0)).toBe(1);
    expect(g.take(500, 0)).toBe(100);
    expect(g.take(510, 0)).toBe(10); // then back to the rate
  });

  it('never lets more than maxInFlight first attempts be open; resumes as they end', () => {
    const g = new RampGate({ ratePerSec: 1000, maxInFlight: 5 });
    let inFlight = 0;
    for (let t = 0; t <= 1000; t += 10) inFlight += g.take(t, inFlight);
    expect(inFlight).toBe(5);
    inFlight -= 3; // three attempts ended
    expect(g.take(1010, inFlight)).toBe(3);
  });

  it('defaults: two seconds of ramp in flight; a slow rate still starts its first agent at once', () => {
    expect(new RampGate({ ratePerSec: 250 }).maxInFlight).toBe(500);
    const slow = new RampGate({ ratePerSec: 0.5 });
    expect(slow.maxInFlight).toBe(1);
    expect(slow.take(0, 0)).toBe(1);
    expect(drive(slow, 100, 1900, () => 0)).toBe(0); // the next is due at 2 s
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RampGate({ ratePerSec: 0 })).toThrow(/ramp rate must be > 0, got 0/);
  });
});
