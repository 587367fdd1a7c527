/**
 * The primary of `fleetwire-mock --workers N`: forks the workers, relays the
 * Socket.IO cluster adapter's messages (setupPrimary), holds the one truth of
 * the fleet state (ClusterStore) and the --state-file, aggregates /metrics
 * (prom-client's AggregatorRegistry), prints the start line once every worker
 * listens, and stops them all on SIGTERM/SIGINT. It serves no socket itself.
 */
import cluster, { type Worker } from 'node:cluster';
import { setupPrimary } from '@socket.io/cluster-adapter';
import { AggregatorRegistry } from 'prom-client';
import { KeyStore } from '../keys.js';
import { loadFleetState, saveFleetState, snapshotOf } from '../state/persist.js';
import { ClusterStore } from './store.js';
import { FW, isFw, type Eviction, type PrimaryToWorker, type WorkerToPrimary } from './ops.js';
import { WORKER_INDEX_ENV } from './worker.js';

export interface PrimaryOptions {
  workers: number;
  keys: KeyStore | undefined;
  stateFile: string | undefined;
  /** A worker that dies is forked again, at most this many times per minute; past that the mock stops (exit 1). Default 5. */
  maxRestartsPerMinute?: number;
  /** Called with the home worker's start info once every worker is listening. */
  onReady(info: Record<string, unknown>): void;
  /** A worker could not start (a taken port): its message. */
  onFailed(failure: { message: string; code?: string; port?: number }): void;
  log(line: string): void;
}

export interface PrimaryRun {
  /** Stops every worker (SIGTERM, then SIGKILL after `graceMs`), saves the state file. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the cluster gave up (a worker failed to start, or crashed too often). */
  failed: Promise<void>;
}

export async function startPrimary(o: PrimaryOptions): Promise<PrimaryRun> {
  const store = new ClusterStore(o.keys ?? new KeyStore());
  if (o.stateFile) await loadFleetState(store.state, o.stateFile);
  // Workers accept from the shared listening socket themselves (SCHED_NONE): the primary is
  // then off the connection path. node:cluster's default (round-robin) has the primary accept
  // every connection and pass it to a worker over IPC — a per-connection cost in one process
  // that showed as 1.2–1.6× the backend CPU per acked heartbeat, and ~900 sockets held by the
  // primary at one sample (bench/mock-cluster.ts --variants, bench/README.md). NODE_CLUSTER_SCHED_POLICY=rr
  // still picks round-robin (more even spread, at that cost).
  if (process.env.NODE_CLUSTER_SCHED_POLICY === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
  // No V8 memory reducer in the workers: it runs a compacting full GC ~8 s after a process's
  // allocation rate drops, and at the end of a ramp every worker's drops at the same moment.
  // At 100k agents (7 workers) those simultaneous GCs stalled two cores for ~5 s at admission
  // + 8 s and + 47 s in every run (acks p50 up to 1.2 s). Without it in the workers alone the
  // same run kept every second's ack p99 under 1 s, for ~15 % more mock RSS (bench/README.md, "scale").
  cluster.setupPrimary({ execArgv: [...process.execArgv, '--no-memory-reducer'] });
  setupPrimary();
  const aggregator = new AggregatorRegistry();

  /** Workers that said hello (only they get forwarded changes), by cluster id → index. */
  const index = new Map<number, number>();
  const greeted = new Set<number>();
  const ready = new Map<number, Record<string, unknown>>();
  let homeId = -1;
  let stopping = false;
  let started = false;
  const restarts: number[] = [];
  let giveUp!: () => void;
  const failed = new Promise<void>((r) => (giveUp = r));

  const sendTo = (w: Worker | undefined, m: PrimaryToWorker) => {
    if (w?.isConnected()) w.send(m, undefined, () => undefined);
  };

  const forward = (ops: ReturnType<ClusterStore['apply']>) => {
    for (const [id, w] of Object.entries(cluster.workers ?? {})) {
      const wid = Number(id);
      if (!greeted.has(wid)) continue;
      const evict: Eviction[] = ops.evict.get(wid) ?? [];
      const mine = wid === homeId ? ops.ops : [];
      if (mine.length === 0 && ops.claims.length === 0 && evict.length === 0) continue;
      sendTo(w, { fw: FW, kind: 'applied', ops: mine, claims: ops.claims, evict });
    }
  };

  const fork = (i: number) => {
    const w = cluster.fork({ [WORKER_INDEX_ENV]: String(i) });
    index.set(w.id, i);
    if (i === 0) homeId = w.id;
    w.on('message', (m: unknown) => {
      if (!isFw(m)) return;
      const msg = m as WorkerToPrimary;
      switch (msg.kind) {
        case 'ops':
          forward(store.apply(msg.ops));
          break;
        case 'hello':
          // The snapshot goes first on this channel; every change applied after it is forwarded.
          sendTo(w, { fw: FW, kind: 'snapshot', snap: i === 0 ? snapshotOf(store.state) : null, claims: store.claimList() });
          greeted.add(w.id);
          break;
        case 'ready':
          ready.set(w.id, msg.info as Record<string, unknown>);
          if (!started && ready.size === o.workers) {
            started = true;
            const info = { ...ready.get(homeId)!, pid: process.pid, workers: [...ready.keys()].sort((a, b) => index.get(a)! - index.get(b)!).map((id) => cluster.workers?.[id]?.process.pid) };
            o.onReady(info);
          }
          break;
        case 'failed':
          if (!started) {
            o.onFailed(msg);
            giveUp();
          }
          break;
        case 'metrics?':
          aggregator.clusterMetrics().then(
            (text) => sendTo(w, { fw: FW, kind: 'metrics', id: msg.id, text }),
            (err: Error) => sendTo(w, { fw: FW, kind: 'metrics', id: msg.id, error: err.message }),
          );
          break;
        case 'bye':
          break;
      }
    });
  };

  cluster.on('exit', (w, code, signal) => {
    const i = index.get(w.id);
    index.delete(w.id);
    greeted.delete(w.id);
    ready.delete(w.id);
    // Its connections are gone: the home replica and the control-plane stream hear they went offline.
    forward({ ops: store.workerGone(w.id), claims: [], evict: new Map() });
    if (stopping || i === undefined) return;
    if (!started) {
      o.onFailed({ message: `worker ${i} exited (${code ?? signal}) before it was listening` });
      giveUp();
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
    if (restarts.length > (o.maxRestartsPerMinute ?? 5)) {
      o.log(`fleetwire-mock: worker ${i} died (${code ?? signal}); more than ${o.maxRestartsPerMinute ?? 5} restarts in a minute, stopping`);
      giveUp();
      return;
    }
    o.log(`fleetwire-mock: worker ${i} (pid ${w.process.pid}) died (${code ?? signal}); starting it again`);
    fork(i);
  });

  for (let i = 0; i < o.workers; i++) fork(i);

  return {
    failed,
    async stop(graceMs = 15_000) {
      stopping = true;
      const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      await Promise.all(
        live.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              const kill = setTimeout(() => w.process.kill('SIGKILL'), graceMs);
              // Both: 'exit' can come before the last IPC messages are read; 'disconnect' comes after them.
              let left = 2;
              const one = () => (--left === 0 ? (clearTimeout(kill), resolve()) : undefined);
              w.once('exit', one);
              w.once('disconnect', one);
              w.process.kill('SIGTERM');
            }),
        ),
      );
      // After every worker's last batch (sent before it exited): every acked fact is in the file.
      if (o.stateFile) await saveFleetState(store.state, o.stateFile);
    },
  };
}
