/**
 * One worker of `fleetwire-mock --workers N` (node:cluster). It runs the whole
 * mock backend on the shared ports (worker 0, the home worker, also the admin
 * port and the small dialects), sends fleet changes to the primary in batches,
 * and applies what the primary sends back: the home worker's replica of the
 * fleet state, key↔node claims, and evictions.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { MockBackend, MockBackendOptions } from '../backend.js';
import type { KeyStore } from '../keys.js';
import type { Logger } from '../logger.js';
import { applySnapshot } from '../state/persist.js';
import { BatchingSink } from './sink.js';
import { applyToReplica } from './store.js';
import { FW, isFw, type PrimaryToWorker, type WorkerToPrimary } from './ops.js';
import { clusterAdapterHandle, redisAdapterHandle, type AdapterHandle } from './adapter.js';

/** The env var that tells a forked worker its index (0 = home). */
export const WORKER_INDEX_ENV = 'FLEETWIRE_MOCK_WORKER_INDEX';

export interface WorkerRun {
  backend: MockBackend;
  /** Closes the backend, sends the last batch and says bye to the primary. */
  stop(): Promise<void>;
}

const send = (m: WorkerToPrimary, done?: () => void): void => {
  if (!process.connected) return done?.();
  process.send!(m, undefined, {}, () => done?.());
};

/** Starts this worker's backend. Throws what startMockBackend throws (a taken port). */
export async function startWorker(options: MockBackendOptions, keys: KeyStore | undefined, logger: Logger | undefined, redisUrl: string | null): Promise<WorkerRun> {
  const index = Number(process.env[WORKER_INDEX_ENV] ?? 0);
  const home = index === 0;
  const workerId = cluster.worker?.id ?? 0;
  const { startMockBackend } = await import('../backend.js');
  const sink = new BatchingSink({ send, workerId });
  const metricsWaiters = new Map<number, (m: Extract<PrimaryToWorker, { kind: 'metrics' }>) => void>();
  let nextMetrics = 0;
  const metricsText = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const id = nextMetrics++;
      const timer = setTimeout(() => (metricsWaiters.delete(id), reject(new Error('the cluster primary did not answer a /metrics request within 10 s'))), 10_000);
      metricsWaiters.set(id, (m) => {
        clearTimeout(timer);
        if (m.error !== undefined || m.text === undefined) reject(new Error(`cluster metrics: ${m.error ?? 'no text'}`));
        else resolve(m.text);
      });
      send({ fw: FW, kind: 'metrics?', id });
    });
  const adapter: AdapterHandle = redisUrl ? await redisAdapterHandle(redisUrl) : clusterAdapterHandle();
  let backend: MockBackend;
  try {
    backend = await startMockBackend({
      ...options,
      keys,
      logger,
      stateFile: undefined, // the primary keeps the file: it holds the one truth
      scaleOut: { adapter: adapter.adapter, home, sink, metricsText },
    });
  } catch (err) {
    await adapter.close();
    throw err;
  }
  // prom-client's cluster protocol: the primary's AggregatorRegistry asks, this registry answers.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([backend.metrics.registry]);

  process.on('message', (m: unknown) => {
    if (!isFw(m)) return;
    const msg = m as PrimaryToWorker;
    switch (msg.kind) {
      case 'snapshot':
        if (home && msg.snap) applySnapshot(backend.state.fleet, msg.snap, false);
        for (const [k, n] of msg.claims) backend.fleet.bindings.assign(k, n);
        break;
      case 'applied':
        for (const [k, n] of msg.claims) backend.fleet.bindings.assign(k, n);
        if (home) applyToReplica(backend.state.fleet, msg.ops);
        for (const e of msg.evict) backend.fleet.evict(e.n, e.c, e.why);
        break;
      case 'metrics':
        metricsWaiters.get(msg.id)?.(msg);
        metricsWaiters.delete(msg.id);
        break;
    }
  });
  send({ fw: FW, kind: 'hello' });

  let stopping: Promise<void> | null = null;
  return {
    backend,
    stop: () =>
      (stopping ??= (async () => {
        await backend.close();
        sink.flush(); // the offline ops of the connections close() just ended
        await adapter.close();
        await new Promise<void>((resolve) => send({ fw: FW, kind: 'bye' }, resolve));
      })()),
  };
}
