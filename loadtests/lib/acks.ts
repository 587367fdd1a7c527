/**
 * Ack bookkeeping for Socket.IO events: ids are allocated in order (as
 * socket.io-client does, starting at 0), each pending ack remembers when it was
 * sent, and an ack that comes back is matched to its id — never assumed to be
 * "the last one", since acks may arrive out of order under load.
 */

/** What the caller learns when an ack settles or expires. */
export interface AckResult {
  id: number;
  event: string;
  /** ms from send to ack (or to expiry). */
  rttMs: number;
  /** The ack's arguments; undefined when it timed out. */
  args?: unknown[];
  timedOut: boolean;
}

interface Pending {
  event: string;
  sentAt: number;
  done: (r: AckResult) => void;
}

/** An ack that came back after it had expired. */
export interface LateAck {
  id: number;
  event: string;
  /** ms from send to the late arrival. */
  rttMs: number;
}

/** How many expired ids are remembered so their late acks are recognised (oldest forgotten first). */
export const LATE_ACK_MEMORY = 1024;

/**
 * Pending acks keyed by id. Expired ids are remembered (up to
 * {@link LATE_ACK_MEMORY}) so an ack that arrives after its timeout is told
 * apart from an ack for an id never sent: late, not a protocol error.
 * `now` is injectable so tests need no clock.
 */
export class AckTracker {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly expired = new Map<number, { event: string; sentAt: number }>();

  /**
   * @param timeoutMs how long an ack may take before {@link expire} reports it (default 10 000 ms)
   * @param now clock in ms (default Date.now)
   */
  constructor(
    readonly timeoutMs = 10_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Registers an outgoing acked event and returns the id to put on the wire. */
  register(event: string, done: (r: AckResult) => void): number {
    const id = this.nextId++;
    this.pending.set(id, { event, sentAt: this.now(), done });
    return id;
  }

  /**
   * Settles the ack with this id. Returns false when no ack with this id is
   * pending: check {@link takeLate} to tell a late ack from an unknown id.
   */
  settle(id: number, args: unknown[]): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    p.done({ id, event: p.event, rttMs: this.now() - p.sentAt, args, timedOut: false });
    return true;
  }

  /** The late ack with this id, if `id` expired earlier (each is reported once); undefined for an id never sent or already settled. */
  takeLate(id: number): LateAck | undefined {
    const e = this.expired.get(id);
    if (!e) return undefined;
    this.expired.delete(id);
    return { id, event: e.event, rttMs: this.now() - e.sentAt };
  }

  /** Reports every ack older than the timeout as timed out; returns how many. */
  expire(): number {
    const t = this.now();
    let n = 0;
    for (const [id, p] of this.pending) {
      if (t - p.sentAt < this.timeoutMs) continue;
      this.pending.delete(id);
      this.expired.set(id, { event: p.event, sentAt: p.sentAt });
      if (this.expired.size > LATE_ACK_MEMORY) this.expired.delete(this.expired.keys().next().value as number);
      p.done({ id, event: p.event, rttMs: t - p.sentAt, timedOut: true });
      n++;
    }
    return n;
  }

  /** Drops every pending ack without reporting (the socket is gone); returns how many were dropped. */
  clear(): number {
    const n = this.pending.size;
    this.pending.clear();
    return n;
  }

  get size(): number {
    return this.pending.size;
  }
}
