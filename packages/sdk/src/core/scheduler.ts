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

/**
 * The default: one setInterval per task (after an optional different first
 * delay). The simplest thing with the smallest footprint per agent.
 */
export const timerScheduler: Scheduler = {
  every(intervalMs, fn, firstDelayMs = intervalMs) {
    if (firstDelayMs === intervalMs) {
      const h = setInterval(fn, intervalMs);
      return () => clearInterval(h);
    }
    let h: ReturnType<typeof setInterval> | ReturnType<typeof setTimeout> = setTimeout(() => {
      h = setInterval(fn, intervalMs);
      fn();
    }, firstDelayMs);
    return () => {
      clearTimeout(h as ReturnType<typeof setTimeout>);
      clearInterval(h as ReturnType<typeof setInterval>);
    };
  },
};
