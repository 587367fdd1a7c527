/**
 * Timer helpers that work in Node and browsers. Every timer the SDK creates is
 * tracked by its owner and cleared on close(), so a closed client never keeps a
 * Node process alive (socket.io's autoUnref idea, made unconditional on close).
 */
export type TimerHandle = ReturnType<typeof setTimeout>;

/** Lets Node exit even though this timer is pending (no-op in browsers). */
export function unref(t: TimerHandle): TimerHandle {
  (t as { unref?: () => void }).unref?.();
  return t;
}

/** A set of timeouts that can all be cancelled at once. */
export class TimerSet {
  private readonly handles = new Set<TimerHandle>();

  set(fn: () => void, ms: number): TimerHandle {
    const h: TimerHandle = setTimeout(() => {
      this.handles.delete(h);
      fn();
    }, ms);
    this.handles.add(h);
    return h;
  }

  clear(h: TimerHandle | undefined | null): void {
    if (h === undefined || h === null) return;
    clearTimeout(h);
    this.handles.delete(h);
  }

  clearAll(): void {
    for (const h of this.handles) clearTimeout(h);
    this.handles.clear();
  }

  get size(): number {
    return this.handles.size;
  }
}
