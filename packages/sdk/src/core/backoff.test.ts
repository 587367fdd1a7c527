import { describe, expect, it } from 'vitest';
import { Backoff, CONTROL_PLANE_DOCUMENTED_BACKOFF } from './backoff.js';

describe('Backoff', () => {
  it('defaults: ceilings 1 s, 2 s, 4 s … capped at 30 s, never giving up', () => {
    const b = new Backoff({ random: () => 0.999999 });
    const delays = Array.from({ length: 8 }, () => b.next());
    expect(delays).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]);
    for (let i = 0; i < 1000; i++) expect(b.next()).not.toBeNull();
  });

  it('full jitter: every delay lies in [0, ceiling] and the spread covers the range', () => {
    const b = new Backoff({ initialDelayMs: 1000, factor: 2, maxDelayMs: 8000 });
    const samples: number[] = [];
    for (let i = 0; i < 2000; i++) {
      b.reset();
      for (let k = 0; k < 3; k++) b.next();
      samples.push(b.next()!); // 4th attempt: ceiling 8000
    }
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(8000);
    // Uniform on [0, 8000]: each quarter holds roughly a quarter of the samples.
    for (let q = 0; q < 4; q++) {
      const n = samples.filter((s) => s >= q * 2000 && s < (q + 1) * 2000).length;
      expect(n).toBeGreaterThan(350);
      expect(n).toBeLessThan(650);
    }
    const mean = samples.reduce((a, c) => a + c, 0) / samples.length;
    expect(mean).toBeGreaterThan(3500);
    expect(mean).toBeLessThan(4500);
  });

  it('gives up after maxAttempts with null', () => {
    const b = new Backoff({ maxAttempts: 3, random: () => 0.5 });
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000, null]);
  });

  it('resets the attempt counter only after the connection stayed up minUptimeMs', () => {
    const b = new Backoff({ minUptimeMs: 5000, jitter: 'none' });
    b.next();
    b.next();
    expect(b.attempts).toBe(2);
    b.connected(10_000);
    b.disconnected(14_999); // up 4.999 s: a flap, keep growing
    expect(b.attempts).toBe(2);
    expect(b.next()).toBe(4000);
    b.connected(20_000);
    b.disconnected(25_000); // up 5 s: healthy, start over
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(1000);
  });

  it("reproduces control-plane.md's client: min(1000·2ⁿ, 30000) for n = 1…10, then stops", () => {
    const b = new Backoff(CONTROL_PLANE_DOCUMENTED_BACKOFF);
    const delays = [];
    let d: number | null;
    while ((d = b.next()) !== null) delays.push(d);
    expect(delays).toEqual([2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000, 30000, 30000]);
  });

  it.each([
    [{ initialDelayMs: -1 }, /initialDelayMs must be a number ≥ 0/],
    [{ factor: 0.5 }, /factor must be ≥ 1/],
    [{ initialDelayMs: 5000, maxDelayMs: 1000 }, /maxDelayMs \(1000\) must be ≥ initialDelayMs \(5000\)/],
    [{ maxAttempts: -2 }, /maxAttempts must be ≥ 0/],
    [{ minUptimeMs: Number.NaN }, /minUptimeMs must be ≥ 0/],
  ])('rejects %j', (opts, msg) => {
    expect(() => new Backoff(opts)).toThrow(msg);
  });
});
