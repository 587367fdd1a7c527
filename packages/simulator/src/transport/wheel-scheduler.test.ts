import { describe, expect, it } from 'vitest';
import { TimerWheel } from './wheel.js';
import { wheelRetryTimer, wheelScheduler } from './wheel-scheduler.js';

function clockedWheel() {
  let t = 0;
  const wheel = new TimerWheel({ tickMs: 10, slots: 16, now: () => t });
  const at = (now: number) => {
    t = now;
    wheel.advance(now);
  };
  return { wheel, at };
}

describe('wheelScheduler', () => {
  it('runs a task every interval from its first delay, without drift, until cancelled', () => {
    const { wheel, at } = clockedWheel();
    const s = wheelScheduler(wheel);
    const runs: number[] = [];
    let now = 0;
    const cancel = s.every(100, () => runs.push(now), 30);
    for (now = 10; now <= 500; now += 10) at(now);
    expect(runs).toEqual([30, 130, 230, 330, 430]);
    cancel();
    for (; now <= 1000; now += 10) at(now);
    expect(runs).toHaveLength(5);
    expect(s.size).toBe(0);
  });

  it('spread puts the first run at random() × interval; stop() cancels this scheduler\'s tasks only', () => {
    const { wheel, at } = clockedWheel();
    const a = wheelScheduler(wheel, { spread: true, random: () => 0.5 });
    const b = wheelScheduler(wheel);
    const runs: string[] = [];
    a.every(200, () => runs.push('a'));
    b.every(200, () => runs.push('b'));
    at(100);
    expect(runs).toEqual(['a']);
    a.stop();
    at(200);
    at(400);
    expect(runs).toEqual(['a', 'b', 'b']);
  });

  it('after a stalled loop a task runs once, then keeps its period from now', () => {
    const { wheel, at } = clockedWheel();
    const s = wheelScheduler(wheel);
    const runs: number[] = [];
    let now = 0;
    s.every(50, () => runs.push(now));
    now = 1000;
    at(now);
    for (now = 1010; now <= 1100; now += 10) at(now);
    expect(runs).toEqual([1000, 1050, 1100]);
  });

  it('refuses a non-positive interval', () => {
    expect(() => wheelScheduler(new TimerWheel()).every(0, () => {})).toThrow(/intervalMs must be > 0/);
  });
});

describe('wheelRetryTimer', () => {
  const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('fires once after its delay, a cleared one never; keeps the process alive only while one is pending', () => {
    const { wheel, at } = clockedWheel();
    const t = wheelRetryTimer(wheel);
    const before = timeouts();
    const fired: string[] = [];
    t.set(() => fired.push('a'), 100);
    const b = t.set(() => fired.push('b'), 50);
    expect(timeouts()).toBeGreaterThan(before);
    t.clear(b);
    at(60);
    expect(fired).toEqual([]);
    at(100);
    expect(fired).toEqual(['a']);
    at(300);
    expect(fired).toEqual(['a']);
    t.clear(b); // twice, and after the other fired: harmless
    wheel.stop();
    expect(timeouts()).toBe(before);
  });
});
