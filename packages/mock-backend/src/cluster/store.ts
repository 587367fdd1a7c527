/**
 * The one truth of the fleet state in cluster mode, held by the primary. It
 * applies every worker's batches in the order they arrive (so a lifecycle fact
 * is new exactly once, whichever worker its agent is on), enforces that a key
 * owns its node cluster-wide and that a node has one live connection (the
 * newest), and says what to forward: ops for the home worker's replica,
 * claims and evictions for every worker.
 */
import { FleetState } from '../state/fleet.js';
import { NodeBindings } from '../fleet/bindings.js';
import type { KeyStore } from '../keys.js';
import type { Eviction, Op } from './ops.js';

export interface Applied {
  /** Ops that changed the state, in order (a refused `on` and a stale `off` are left out). */
  ops: Op[];
  /** New key → node claims every worker must know for its handshake check. */
  claims: [string, string][];
  /** Connections to close, per worker id. */
  evict: Map<number, Eviction[]>;
}

export class ClusterStore {
  readonly state = new FleetState();
  readonly bindings: NodeBindings;
  /** nodeId → the key that claimed it at run time (sent to a worker that starts later). */
  readonly claims = new Map<string, string>();
  /** nodeId → its live connection and the worker holding it. */
  private readonly conns = new Map<string, { c: string; w: number }>();

  constructor(keys: KeyStore) {
    this.bindings = new NodeBindings(keys, keys.nodes);
  }

  apply(ops: Op[]): Applied {
    const out: Applied = { ops: [], claims: [], evict: new Map() };
    const evict = (w: number, e: Eviction) => {
      const list = out.evict.get(w) ?? [];
      list.push(e);
      out.evict.set(w, list);
    };
    for (const op of ops) {
      switch (op.t) {
        case 'on': {
          // Two workers may accept different keys for one node within the same few ms
          // (each checked only its own copy of the claims): the first to arrive here wins.
          const fresh = !this.bindings.isClaimed(op.n);
          const problem = this.bindings.claim(op.k, op.n);
          if (problem !== null) {
            evict(op.w, { n: op.n, c: op.c, why: problem });
            continue;
          }
          if (fresh) {
            this.claims.set(op.n, op.k);
            out.claims.push([op.k, op.n]);
          }
          const prev = this.conns.get(op.n);
          // Same worker: its fleet server already closed the older one.
          if (prev && prev.c !== op.c && prev.w !== op.w) evict(prev.w, { n: op.n, c: prev.c, why: 'the node connected again (the newest connection wins)' });
          this.conns.set(op.n, { c: op.c, w: op.w });
          this.state.markOnline(op.n, op.at);
          out.ops.push({ ...op, k: '' }); // the replica needs no key
          break;
        }
        case 'off': {
          if (this.conns.get(op.n)?.c !== op.c) continue; // a newer connection of that node is live
          this.conns.delete(op.n);
          this.state.markOffline(op.n);
          out.ops.push(op);
          break;
        }
        case 'hb':
          this.state.heartbeat(op.hb, op.count, op.at);
          out.ops.push(op);
          break;
        case 'start':
          this.state.instanceStarted(op.n, op.ev, op.at);
          out.ops.push(op);
          break;
        case 'stop':
          this.state.instanceStopped(op.n, op.ev, op.at);
          out.ops.push(op);
          break;
      }
    }
    return out;
  }

  /** A worker exited: its connections are gone (their `off` ops will never come). */
  workerGone(w: number): Op[] {
    const ops: Op[] = [];
    for (const [n, conn] of this.conns) {
      if (conn.w !== w) continue;
      this.conns.delete(n);
      this.state.markOffline(n);
      ops.push({ t: 'off', n, c: conn.c });
    }
    return ops;
  }

  /** Every key → node claim made at run time (trust on first use), for a worker that starts now. */
  claimList(): [string, string][] {
    return [...this.claims].map(([n, k]) => [k, n]);
  }
}

/** Applies forwarded ops to a worker's replica, in the primary's order (so it equals the primary's state). */
export function applyToReplica(state: FleetState, ops: Op[]): void {
  for (const op of ops) {
    switch (op.t) {
      case 'on':
        state.markOnline(op.n, op.at);
        break;
      case 'off':
        state.markOffline(op.n);
        break;
      case 'hb':
        state.heartbeat(op.hb, op.count, op.at);
        break;
      case 'start':
        state.instanceStarted(op.n, op.ev, op.at);
        break;
      case 'stop':
        state.instanceStopped(op.n, op.ev, op.at);
        break;
    }
  }
}
