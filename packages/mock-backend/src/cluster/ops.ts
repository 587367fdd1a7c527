/**
 * What cluster workers and the primary say to each other over node:cluster IPC
 * about the fleet state. Workers send batches of state changes (`Op`) to the
 * primary, which applies them to the one authoritative FleetState in order and
 * forwards what it applied: every op to the home worker (its replica serves the
 * admin API, the status page and the control-plane bus), key↔node claims and
 * evictions to every worker. Everything is batched: no IPC message per
 * heartbeat or per connection (see the README's "Cluster mode").
 */
import type { fleet } from '@fleetwire/sdk';
import type { FleetSnapshot } from '../state/persist.js';

/** Tag of every fleetwire IPC message (socket.io's adapter and prom-client use their own). */
export const FW = 'fleetwire-cluster';

/** A node's connection registered (`c`: socket id, unique cluster-wide; `k`: the API key it used; `w`: worker id). */
export interface OnlineOp { t: 'on'; n: string; c: string; k: string; w: number; at: string }
/** That connection ended (ignored when the node has a newer connection since). */
export interface OfflineOp { t: 'off'; n: string; c: string }
/** `count` heartbeats of one node since the last flush, the last one's payload and time. */
export interface HeartbeatOp { t: 'hb'; hb: fleet.Heartbeat; count: number; at: string }
export interface StartedOp { t: 'start'; n: string; ev: fleet.InstanceStarted; at: string }
export interface StoppedOp { t: 'stop'; n: string; ev: fleet.InstanceStopped; at: string }
export type Op = OnlineOp | OfflineOp | HeartbeatOp | StartedOp | StoppedOp;

/** A connection the primary refused or replaced: the worker that holds it closes it. */
export interface Eviction { n: string; c: string; why: string }

export type WorkerToPrimary =
  | { fw: typeof FW; kind: 'ops'; ops: Op[] }
  /** The worker is listening; the home worker's endpoints and admin token go into the start line. */
  | { fw: typeof FW; kind: 'ready'; info: unknown }
  /** The worker's message listener is up: send the snapshot (home) or the claims (others). */
  | { fw: typeof FW; kind: 'hello' }
  /** The home worker's /metrics: the primary answers with every worker's metrics aggregated. */
  | { fw: typeof FW; kind: 'metrics?'; id: number }
  | { fw: typeof FW; kind: 'failed'; message: string; code?: string; port?: number }
  /** Sent last by a stopping worker: everything before it has been written to the channel. */
  | { fw: typeof FW; kind: 'bye' };

export type PrimaryToWorker =
  /** To the home worker: the whole state (`snap`); to the others only the claims (`snap` null). */
  | { fw: typeof FW; kind: 'snapshot'; snap: FleetSnapshot | null; claims: [string, string][] }
  /** What the primary applied: `ops` for the home worker's replica (empty for the others), new claims and evictions for all. */
  | { fw: typeof FW; kind: 'applied'; ops: Op[]; claims: [string, string][]; evict: Eviction[] }
  | { fw: typeof FW; kind: 'metrics'; id: number; text?: string; contentType?: string; error?: string };

export const isFw = (m: unknown): m is { fw: typeof FW; kind: string } => typeof m === 'object' && m !== null && (m as { fw?: unknown }).fw === FW;
