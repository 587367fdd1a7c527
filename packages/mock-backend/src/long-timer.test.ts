import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMEOUT_MS, setLongTimeout } from './long-timer.js';

afterEach(() => vi.useRealTimers());

describe('setLongTimeout', () => {
  it('waits past the 2^31 ms setTimeout limit by chaining (a 25-day token does not expire at once)', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const ms = 2_160_000 * 1000; // the admin API's ttlSeconds 2160000: 25 days
    setLongTimeout(fn, ms);
    vi.advanceTimersByTime(1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMEOUT_MS);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(ms - MAX_TIMEOUT_MS - 2);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(366 * 86_400_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('fires on a later turn for 0 or a past deadline, never synchronously', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    setLongTimeout(fn, -5);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('cancel() stops it, also between chained steps, and leaves no timer behind', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const t = setLongTimeout(fn, 366 * 86_400_000);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS + 10);
    t.cancel();
    t.cancel();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(366 * 86_400_000);
    expect(fn).not.toHaveBeenCalled();
  });
});
