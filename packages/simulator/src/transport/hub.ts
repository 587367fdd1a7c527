/**
 * What all lean fleet sockets of a process share: one timer wheel (connect,
 * ping and ack deadlines) and one ack table. socket.io-client keeps an ack map
 * and a timer per socket; here an emit's ack id is unique in the process, so
 * one Map finds any pending ack and one wheel times them all out.
 *
 * Each socket also links its own pending acks (an intrusive list), so a
 * disconnect fails exactly that socket's acks without scanning the table.
 */
import { TimerWheel, type WheelEntry } from './wheel.js';
import { NamespaceFrames } from './frames.js';

/** An ack callback as socket.io-client takes it; `withError` ones get `(err, ...args)`. */
export type AckFn = ((...args: unknown[]) => void) & { withError?: boolean };

/** Who owns a pending ack: told when it times out. */
export interface AckOwner {
  ackTimedOut(a: PendingAck): void;
}

/** One emit waiting for its ack. */
export class PendingAck implements WheelEntry {
  due = 0;
  /** In the wheel (a timeout is armed). */
  live = false;
  wheelSlot = -1;
  wheelPos = -1;
  prev: PendingAck | null = null;
  next: PendingAck | null = null;
  constructor(
    readonly id: number,
    readonly owner: AckOwner,
    readonly fn: AckFn,
    /** Called as `(err, ...args)`: a timeout was asked for, or the callback says so (emitWithAck). */
    readonly withError: boolean,
  ) {}

  onWheel(): void {
    this.owner.ackTimedOut(this);
  }
}

export interface LeanHubOptions {
  /** The wheel's slot width, ms. Default 25. */
  tickMs?: number;
}

export class LeanHub {
  readonly wheel: TimerWheel;
  private readonly acks = new Map<number, PendingAck>();
  private nextId = 0;
  private readonly frames = new Map<string, NamespaceFrames>();

  constructor(o: LeanHubOptions = {}) {
    this.wheel = new TimerWheel(o.tickMs !== undefined ? { tickMs: o.tickMs } : {});
  }

  /** Ack ids handed out so far (all sockets, since the hub was made). */
  get acksRegistered(): number {
    return this.nextId;
  }

  /** Acks waiting (all sockets). */
  get pendingAcks(): number {
    return this.acks.size;
  }

  /** The frame builder of a namespace, one per process (its prefixes are built once). */
  framesFor(nsp: string): NamespaceFrames {
    let f = this.frames.get(nsp);
    if (!f) this.frames.set(nsp, (f = new NamespaceFrames(nsp)));
    return f;
  }

  /** Registers an ack; with `timeoutMs`, `owner.ackTimedOut` runs if it has not come by then. */
  register(owner: AckOwner, fn: AckFn, timeoutMs: number | undefined): PendingAck {
    const id = this.nextId++;
    const a = new PendingAck(id, owner, fn, timeoutMs !== undefined || fn.withError === true);
    this.acks.set(id, a);
    if (timeoutMs !== undefined) {
      a.due = performance.now() + timeoutMs;
      this.wheel.add(a);
    }
    return a;
  }

  /** The pending ack `id` if `owner` owns it (an id from the wire may be anyone's, or bogus). */
  find(id: number, owner: AckOwner): PendingAck | undefined {
    const a = this.acks.get(id);
    return a !== undefined && a.owner === owner ? a : undefined;
  }

  /** Forgets `a` (acked, timed out or failed): its timeout, if armed, is dropped by the wheel. */
  forget(a: PendingAck): void {
    this.wheel.remove(a);
    this.acks.delete(a.id);
  }
}

let shared: LeanHub | null = null;

/** The process's hub (per thread: a worker thread has its own module instance). */
export function defaultHub(): LeanHub {
  return (shared ??= new LeanHub());
}
