/**
 * One hashed timer wheel for every one-shot deadline of the lean fleet
 * transport in a process: connect timeouts, ping timeouts and ack timeouts of
 * all agents. socket.io-client arms a `setTimeout` per agent for each of these
 * (and re-arms the ping timeout on every ping); with 10,000 agents that is tens
 * of thousands of libuv timers churning. Here one `setInterval` ticks the wheel.
 *
 * Cancelling with remove() takes the entry out of its slot at once (it knows
 * its slot and index: a swap with the slot's last entry), so an acked
 * heartbeat's ack timeout does not stay reachable for the 10 s of its deadline
 * and get promoted to V8's old generation for nothing. An entry whose slot is
 * being run is dropped lazily instead (live = false). A deadline later than one
 * revolution stays in its slot and is looked at again each revolution.
 */

/** Something with a deadline. `onWheel` runs at or after `due` (up to one tick late). */
export interface WheelEntry {
  /** Absolute due time, ms on the wheel's clock. */
  due: number;
  /** True while in the wheel; false once fired or cancelled. */
  live: boolean;
  /** The wheel's bookkeeping: which slot, at which index (initialise both to -1). */
  wheelSlot: number;
  wheelPos: number;
  onWheel(now: number): void;
}

export interface TimerWheelOptions {
  /** Slot width in ms: entries fire up to this late. Default 25. */
  tickMs?: number;
  /** Slots per revolution. Default 2048 (~51 s at 25 ms). */
  slots?: number;
  /** Clock. Default performance.now. */
  now?: () => number;
}

export class TimerWheel {
  readonly tickMs: number;
  private readonly wheel: WheelEntry[][];
  private readonly mask: number;
  /** The wheel's clock, ms. */
  readonly now: () => number;
  /** The next tick number to process. */
  private cursor: number;
  private count = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(o: TimerWheelOptions = {}) {
    this.tickMs = o.tickMs ?? 25;
    const slots = o.slots ?? 2048;
    if (!(this.tickMs > 0)) throw new RangeError(`TimerWheel: tickMs must be > 0, got ${this.tickMs}`);
    if (!(slots > 0 && (slots & (slots - 1)) === 0)) throw new RangeError(`TimerWheel: slots must be a power of two, got ${slots}`);
    this.mask = slots - 1;
    this.wheel = Array.from({ length: slots }, () => []);
    this.now = o.now ?? (() => performance.now());
    this.cursor = Math.floor(this.now() / this.tickMs);
  }

  /** Entries in the wheel, cancelled ones included until their slot comes round. */
  get size(): number {
    return this.count;
  }

  /** Adds `e` (its `due` must be set) and marks it live. Returns `e`. Add an entry only while it is not live (once). */
  add<E extends WheelEntry>(e: E): E {
    e.live = true;
    // Never into a slot already passed: it would wait a whole revolution.
    this.place(e, Math.max(this.cursor, Math.floor(e.due / this.tickMs)));
    if (++this.count === 1 && this.timer === null) {
      this.timer = setInterval(() => this.advance(this.now()), this.tickMs);
      // The sockets keep the process alive while they are open; the wheel must not after they close.
      this.timer.unref?.();
    }
    return e;
  }

  /** Cancels `e`: it will not run. A no-op when it is not in the wheel. */
  remove(e: WheelEntry): void {
    if (!e.live) return;
    e.live = false;
    const slot = e.wheelSlot >= 0 ? this.wheel[e.wheelSlot] : undefined;
    // Not found where it says: its slot is being run right now, and that loop drops (and counts) it.
    if (slot === undefined || slot[e.wheelPos] !== e) return;
    const last = slot.pop()!;
    if (last !== e) {
      slot[e.wheelPos] = last;
      last.wheelPos = e.wheelPos;
    }
    e.wheelSlot = e.wheelPos = -1;
    this.count--;
  }

  private place(e: WheelEntry, tick: number): void {
    const i = tick & this.mask;
    const slot = this.wheel[i]!;
    e.wheelSlot = i;
    e.wheelPos = slot.length;
    slot.push(e);
  }

  /** Runs everything due by `now` (called by the interval; public for tests with a fake clock). */
  advance(now: number): void {
    const last = Math.floor(now / this.tickMs);
    // After a stalled loop, catch up slot by slot, but at most one revolution (every slot once).
    const from = Math.max(this.cursor, last - this.mask);
    for (let t = from; t <= last; t++) {
      // Entries added while this slot runs (a re-armed deadline) go to a later slot, never this one.
      this.cursor = t + 1;
      const slot = this.wheel[t & this.mask]!;
      if (slot.length === 0) continue;
      this.wheel[t & this.mask] = [];
      for (const e of slot) {
        if (!e.live) {
          this.count--;
          continue;
        }
        if (e.due > now) {
          // A later revolution, or later than `now` within this tick: back into the wheel.
          this.place(e, Math.max(last + 1, Math.floor(e.due / this.tickMs)));
          continue;
        }
        e.wheelSlot = e.wheelPos = -1;
        e.live = false;
        this.count--;
        try {
          e.onWheel(now);
        } catch {
          // One owner's failure must not stop the other agents' deadlines.
        }
      }
    }
    this.cursor = last + 1;
    if (this.count === 0) this.stop();
  }

  /** Stops the interval (entries stay; the next add starts it again). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
