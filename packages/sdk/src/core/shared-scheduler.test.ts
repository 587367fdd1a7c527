import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSharedScheduler } from './shared-scheduler.js';

afterEach(() => vi.useRealTimers());

describe('createSharedScheduler', () => {
  it('runs many tasks at their own intervals on one timer', () => {
    vi.useFakeTimers();
    const s = createSharedScheduler({ tickMs: 10, now: () => Date.now() });
    const runs = new Array(100).fill(0);
    for (let i = 0; i < 100; i++) s.every(i % 2 === 0 ? 100 : 250, () => runs[i]++);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(runs.filter((_, i) => i % 2 === 0).every((n) => n === 10)).toBe(true);
    expect(runs.filter((_, i) => i % 2 === 1).every((n) => n === 4)).toBe(true);
    s.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('spread places first runs across the interval instead of in one burst', () => {
    vi.useFakeTimers();
    const s = createSharedScheduler({ tickMs: 10, spread: true, now: () => Date.now() });
    const firstRunAt: number[] = [];
    const t0 = Date.now();
    for (let i = 0; i < 1000; i++) {
      let seen = false;
      s.every(1000, () => {
        if (!seen) firstRunAt.push(Date.now() - t0);
        seen = true;
      });
    }
    vi.advanceTimersByTime(1010);
    expect(firstRunAt).toHaveLength(1000);
    const perTenth = Array.from({ length: 10 }, (_, k) => firstRunAt.filter((t) => t >= k * 100 && t < (k + 1) * 100).length);
    for (const n of perTenth) expect(n).toBeGreaterThan(50); // ~100 each, never a single burst
    s.stop();
  });

  it('a cancelled task never runs again, and the timer stops when nothing is left', () => {
    vi.useFakeTimers();
    const s = createSharedScheduler({ tickMs: 10, now: () => Date.now() });
    let n = 0;
    const cancel = s.every(50, () => n++);
    vi.advanceTimersByTime(120);
    expect(n).toBe(2);
    cancel();
    cancel(); // idempotent
    expect(s.size).toBe(0);
    vi.advanceTimersByTime(500);
    expect(n).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('one throwing task does not stop the others', () => {
    vi.useFakeTimers();
    const s = createSharedScheduler({ tickMs: 10, now: () => Date.now() });
    let ok = 0;
    s.every(50, () => {
      throw new Error('boom');
    });
    s.every(50, () => ok++);
    vi.advanceTimersByTime(200);
    expect(ok).toBe(4);
    s.stop();
  });

  it('rejects nonsense with a clear message', () => {
    expect(() => createSharedScheduler({ tickMs: 0 })).toThrow(/tickMs must be > 0/);
    const s = createSharedScheduler();
    expect(() => s.every(0, () => {})).toThrow(/intervalMs must be > 0/);
  });
});
