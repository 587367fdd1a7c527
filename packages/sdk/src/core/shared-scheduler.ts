/**
 * One timer for thousands of periodic tasks (DESIGN.md: "no per-agent
 * setInterval storms; one scheduler spreading heartbeats over the interval").
 *
 * Tasks live in a binary min-heap keyed by their next due time; a single
 * interval timer ticks every `tickMs` and runs what is due. With `spread`, a new
 * task's first run lands at a random point of its interval instead of all at
 * once — after a mass reconnect, 10,000 agents then heartbeat evenly instead of
 * in one burst every 5 s.
 */
import type { Scheduler } from './scheduler.js';
import { invalidArgument } from './errors.js';

export interface SharedSchedulerOptions {
  /** Resolution in ms: tasks run up to this late. Default 10. */
  tickMs?: number;
  /** Randomise each task's first run within its interval (see above). Default false. */
  spread?: boolean;
  /** Random source for `spread`. Default Math.random. */
  random?: () => number;
  /** Clock, injectable for tests. Default performance.now. */
  now?: () => number;
}

interface Task {
  due: number;
  interval: number;
  fn: () => void;
  cancelled: boolean;
}

export interface SharedScheduler extends Scheduler {
  /** Tasks currently scheduled. */
  readonly size: number;
  /** Cancels every task and stops the timer. */
  stop(): void;
}

export function createSharedScheduler(options: SharedSchedulerOptions = {}): SharedScheduler {
  const tickMs = options.tickMs ?? 10;
  if (!(tickMs > 0)) invalidArgument(`createSharedScheduler: tickMs must be > 0, got ${String(tickMs)}`);
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? Math.random;
  const heap: Task[] = [];
  let live = 0;
  let timer: ReturnType<typeof setInterval> | null = null;

  const less = (a: Task, b: Task) => a.due < b.due;
  const push = (t: Task) => {
    heap.push(t);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = (): Task => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };

  const tick = () => {
    const t = now();
    while (heap.length > 0 && heap[0]!.due <= t) {
      const task = pop();
      if (task.cancelled) continue;
      // Next due from the previous due, not from now: no drift over a long run.
      task.due = Math.max(task.due + task.interval, t);
      push(task);
      try {
        task.fn();
      } catch {
        // A task's failure is its owner's business; the scheduler must keep running the others.
      }
    }
    if (live === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
      heap.length = 0;
    }
  };

  return {
    get size() {
      return live;
    },
    every(intervalMs, fn, firstDelayMs = intervalMs) {
      if (!(intervalMs > 0)) invalidArgument(`scheduler.every: intervalMs must be > 0, got ${String(intervalMs)}`);
      const first = options.spread ? random() * intervalMs : firstDelayMs;
      const task: Task = { due: now() + first, interval: intervalMs, fn, cancelled: false };
      push(task);
      live++;
      if (timer === null) timer = setInterval(tick, tickMs);
      return () => {
        if (task.cancelled) return;
        task.cancelled = true;
        live--;
      };
    },
    stop() {
      for (const t of heap) t.cancelled = true;
      heap.length = 0;
      live = 0;
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
