/**
 * Where the fleet server writes what agents tell it. One process: straight into
 * its FleetState. A cluster worker: into a batch that goes to the primary every
 * `flushMs` (or sooner when it grows), so the per-heartbeat cost stays a Map set
 * and the IPC cost is a few messages per second however many agents there are.
 */
import type { fleet } from '@fleetwire/sdk';
import type { FleetState } from '../state/fleet.js';
import { FW, type HeartbeatOp, type Op } from './ops.js';

export interface FleetStateSink {
  online(nodeId: string, connId: string, key: string): void;
  offline(nodeId: string, connId: string): void;
  heartbeat(hb: fleet.Heartbeat): void;
  instanceStarted(nodeId: string, ev: fleet.InstanceStarted): void;
  instanceStopped(nodeId: string, ev: fleet.InstanceStopped): void;
}

/** The single-process sink: today's behaviour, nothing batched. */
export function localSink(state: FleetState): FleetStateSink {
  return {
    online: (n) => void state.markOnline(n),
    offline: (n) => state.markOffline(n),
    heartbeat: (hb) => void state.heartbeat(hb),
    instanceStarted: (n, ev) => void state.instanceStarted(n, ev),
    instanceStopped: (n, ev) => void state.instanceStopped(n, ev),
  };
}

export interface BatchingSinkOptions {
  /** Sends one batch (process.send in a worker). */
  send(msg: { fw: typeof FW; kind: 'ops'; ops: Op[] }): void;
  /** This worker's cluster id (evictions are addressed by it). */
  workerId: number;
  /** Longest a change waits before it is sent, ms. Default 50. */
  flushMs?: number;
  /** A batch this long is sent at once. Default 2000 ops. */
  maxBatch?: number;
}

/**
 * Batches state changes for the primary. Heartbeats are coalesced per node (the
 * last payload and a count): a node heartbeating every second costs one op per
 * flush, not one per beat. Other ops keep their order, and a node's coalesced
 * heartbeat is placed where its first beat of the batch came, so the primary
 * never sees a heartbeat before that node's `online`.
 */
export class BatchingSink implements FleetStateSink {
  private ops: Op[] = [];
  private readonly beats = new Map<string, HeartbeatOp>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly flushMs: number;
  private readonly maxBatch: number;

  constructor(private readonly opts: BatchingSinkOptions) {
    this.flushMs = opts.flushMs ?? 50;
    this.maxBatch = opts.maxBatch ?? 2000;
  }

  online(n: string, c: string, k: string): void {
    // A new connection of a node starts a new heartbeat run: the previous one keeps its place.
    this.beats.delete(n);
    this.push({ t: 'on', n, c, k, w: this.opts.workerId, at: new Date().toISOString() });
  }

  offline(n: string, c: string): void {
    this.beats.delete(n);
    this.push({ t: 'off', n, c });
  }

  heartbeat(hb: fleet.Heartbeat): void {
    const at = new Date().toISOString();
    const prev = this.beats.get(hb.nodeId);
    if (prev) {
      prev.hb = hb;
      prev.count++;
      prev.at = at;
      return;
    }
    const op: HeartbeatOp = { t: 'hb', hb, count: 1, at };
    this.beats.set(hb.nodeId, op);
    this.push(op);
  }

  instanceStarted(n: string, ev: fleet.InstanceStarted): void {
    this.push({ t: 'start', n, ev, at: new Date().toISOString() });
  }

  instanceStopped(n: string, ev: fleet.InstanceStopped): void {
    this.push({ t: 'stop', n, ev, at: new Date().toISOString() });
  }

  /** Sends what is pending now (also called at shutdown, before the worker disconnects). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.ops.length === 0) return;
    const ops = this.ops;
    this.ops = [];
    this.beats.clear();
    this.opts.send({ fw: FW, kind: 'ops', ops });
  }

  private push(op: Op): void {
    this.ops.push(op);
    if (this.ops.length >= this.maxBatch) return this.flush();
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }
}
