/**
 * The SDK's Scheduler (periodic tasks: heartbeats, metrics, flapping) on the
 * process's timer wheel, so heartbeats ride the same single timer as the lean
 * sockets' connect, ping and ack deadlines. At 10,000 agents the SDK's
 * heap-based shared scheduler spent ~5 % of the simulator's main thread
 * re-sifting its heap (a profile at 10k agents, bench/README.md); putting a
 * task back into a wheel slot is an array push.
 *
 * Same contract as createSharedScheduler: `spread` puts a task's first run at
 * a random point of its interval; the next run is due one interval after the
 * previous due time (no drift), or one interval from now if the loop stalled
 * past it (a stalled task runs once, not once per missed period).
 */
import type { RetryTimer, SharedScheduler } from '@fleetwire/sdk';
import type { TimerWheel, WheelEntry } from './wheel.js';

export interface WheelSchedulerOptions {
  /** Randomise each task's first run within its interval. Default false. */
  spread?: boolean;
  /** Random source for `spread`. Default Math.random. */
  random?: () => number;
}

class Task implements WheelEntry {
  due = 0;
  live = false;
  wheelSlot = -1;
  wheelPos = -1;
  cancelled = false;
  constructor(
    private readonly wheel: TimerWheel,
    private readonly interval: number,
    readonly fn: () => void,
  ) {}

  onWheel(now: number): void {
    if (this.cancelled) return;
    // One interval after the previous due time; after a stall, once now and then a period from now (no burst of catch-up runs).
    this.due = Math.max(this.due + this.interval, now + this.interval);
    this.wheel.add(this);
    this.fn();
  }
}

/** A scheduler of its own tasks on `wheel`; stop() cancels its tasks only. */
export function wheelScheduler(wheel: TimerWheel, o: WheelSchedulerOptions = {}): SharedScheduler {
  const random = o.random ?? Math.random;
  const tasks = new Set<Task>();
  return {
    get size() {
      return tasks.size;
    },
    every(intervalMs, fn, firstDelayMs = intervalMs) {
      if (!(intervalMs > 0)) throw new RangeError(`scheduler.every: intervalMs must be > 0, got ${String(intervalMs)}`);
      const t = new Task(wheel, intervalMs, fn);
      t.due = wheel.now() + (o.spread ? random() * intervalMs : firstDelayMs);
      wheel.add(t);
      tasks.add(t);
      return () => {
        if (t.cancelled) return;
        t.cancelled = true;
        wheel.remove(t);
        tasks.delete(t);
      };
    },
    stop() {
      for (const t of tasks) {
        t.cancelled = true;
        wheel.remove(t);
      }
      tasks.clear();
    },
  };
}

class Retry implements WheelEntry {
  due = 0;
  live = false;
  wheelSlot = -1;
  wheelPos = -1;
  constructor(
    private readonly wheel: TimerWheel,
    private readonly fn: () => void,
    private readonly done: () => void,
  ) {}
  onWheel(): void {
    this.done();
    this.fn();
  }
  cancel(): void {
    if (!this.live) return;
    this.wheel.remove(this);
    this.done();
  }
}

/**
 * The reconnect loop's retry timer (FleetAgent's `retryTimer` option) on
 * `wheel`: a reconnect storm of 50,000 agents arms 50,000 wheel entries, not
 * 50,000 libuv timers. The wheel's own timer does not keep the process alive
 * (closed sockets leave lazily cancelled deadlines behind), but a pending
 * retry must, as a plain setTimeout would: one ref'd keep-alive while any is pending.
 */
export function wheelRetryTimer(wheel: TimerWheel): RetryTimer {
  let pending = 0;
  let keepAlive: ReturnType<typeof setInterval> | null = null;
  const done = () => {
    if (--pending === 0 && keepAlive !== null) {
      clearInterval(keepAlive);
      keepAlive = null;
    }
  };
  return {
    set(fn, ms) {
      const r = new Retry(wheel, fn, done);
      r.due = wheel.now() + ms;
      if (pending++ === 0) keepAlive = setInterval(() => {}, 1 << 30);
      return wheel.add(r);
    },
    clear(handle) {
      (handle as Retry).cancel();
    },
  };
}
