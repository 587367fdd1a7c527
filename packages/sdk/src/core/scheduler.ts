/**
 * Periodic work (heartbeats, metrics). One agent uses plain timers; a simulator
 * with 10,000 agents passes one shared scheduler instead so there is no
 * per-agent setInterval storm (DESIGN.md "Scale is a design input").
 */
export interface Scheduler {
  /**
   * Calls `fn` every `intervalMs`, first after `firstDelayMs` (default intervalMs).
   * Returns a cancel function. Must never call `fn` after cancel.
   */
  every(intervalMs: number, fn: () => void, firstDelayMs?: number): () => void;
}

/** The default: one self-rescheduling timeout per task, cleared on cancel. */
export const timerScheduler: Scheduler = {
  every(intervalMs, fn, firstDelayMs = intervalMs) {
    let cancelled = false;
    let handle: ReturnType<typeof setTimeout>;
    const tick = () => {
      if (cancelled) return;
      handle = setTimeout(tick, intervalMs);
      fn();
    };
    handle = setTimeout(tick, firstDelayMs);
    return () => {
      cancelled = true;
      clearTimeout(handle);
    };
  },
};
