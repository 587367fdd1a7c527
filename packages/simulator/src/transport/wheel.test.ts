import { describe, expect, it } from 'vitest';
import { TimerWheel, type WheelEntry } from './wheel.js';

/** A wheel on a fake clock (its interval is never relied on: advance() is called by hand). */
function setup(tickMs = 10, slots = 8) {
  let t = 1000;
  const w = new TimerWheel({ tickMs, slots, now: () => t });
  const fired: string[] = [];
  const entry = (name: string, due: number, onWheel?: (now: number) => void): WheelEntry => ({
    due,
    live: false,
    wheelSlot: -1,
    wheelPos: -1,
    onWheel: onWheel ?? ((now) => fired.push(`${name}@${now}`)),
  });
  const at = (now: number) => {
    t = now;
    w.advance(now);
  };
  return { w, fired, entry, at };
}

describe('TimerWheel', () => {
  it('fires at or after the due time, never before, once', () => {
    const { w, fired, entry, at } = setup();
    w.add(entry('a', 1025));
    w.add(entry('b', 1005));
    at(1020);
    expect(fired).toEqual(['b@1020']);
    at(1024);
    expect(fired).toEqual(['b@1020']);
    at(1030);
    at(1040);
    expect(fired).toEqual(['b@1020', 'a@1030']);
    expect(w.size).toBe(0);
    w.stop();
  });

  it('a removed entry leaves its slot at once and never runs; the others in the slot still do', () => {
    const { w, fired, entry, at } = setup();
    const a = w.add(entry('a', 1010));
    const b = w.add(entry('b', 1011));
    w.add(entry('c', 1012));
    w.remove(a);
    expect(w.size).toBe(2);
    w.remove(a); // twice: a no-op
    expect(w.size).toBe(2);
    at(1100);
    expect(fired).toEqual(['c@1100', 'b@1100']);
    expect(w.size).toBe(0);
    w.remove(b); // after it ran: a no-op
    expect(w.size).toBe(0);
  });

  it('an entry removed by another entry of the slot being run is dropped, not run', () => {
    const { w, fired, entry, at } = setup();
    let victim: WheelEntry | null = null;
    w.add(entry('killer', 1010, () => w.remove(victim!)));
    victim = w.add(entry('victim', 1010));
    at(1020);
    expect(fired).toEqual([]);
    expect(w.size).toBe(0);
  });

  it('deadlines beyond one revolution wait for their own revolution', () => {
    const { w, fired, entry, at } = setup(10, 8); // one revolution = 80 ms
    w.add(entry('far', 1250));
    for (let now = 1010; now < 1250; now += 10) at(now);
    expect(fired).toEqual([]);
    at(1250);
    expect(fired).toEqual(['far@1250']);
  });

  it('an entry re-armed from its own callback fires again later, not in the same pass', () => {
    const { w, entry, at } = setup();
    const calls: number[] = [];
    const e: WheelEntry = entry('r', 1010, (now) => {
      calls.push(now);
      if (calls.length < 3) {
        e.due = now + 10;
        w.add(e);
      }
    });
    w.add(e);
    at(1010);
    expect(calls).toEqual([1010]);
    at(1020);
    at(1030);
    at(1040);
    expect(calls).toEqual([1010, 1020, 1030]);
  });

  it('after a stalled loop, everything overdue fires in one advance, a throwing owner included', () => {
    const { w, fired, entry, at } = setup(10, 8);
    w.add(entry('boom', 1010, () => {
      throw new Error('owner bug');
    }));
    for (let i = 0; i < 20; i++) w.add(entry(`e${i}`, 1000 + i * 15));
    at(5000);
    expect(fired).toHaveLength(20);
    expect(w.size).toBe(0);
  });
});
