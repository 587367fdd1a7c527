/**
 * The embedded control plane: when `--url` is not given, the simulator starts
 * the mock backend itself, accepting the fleet plan's keys and driving rentals
 * through it.
 *
 * In process up to IN_PROCESS_MAX_AGENTS agents; above that in a child process,
 * because one process holds at most ~20,000 open files here and an in-process
 * backend holds the server end of every agent's socket too (2 fds per agent).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { entryExecArgv, entryFile } from './entries.js';
import { RentalDriver, type RentalDriverCounts } from './rentals.js';

/** Above this many agents the embedded backend runs in a child process. */
export const IN_PROCESS_MAX_AGENTS = 9000;

export interface EmbeddedOptions {
  /** Keys the backend accepts (one per agent). */
  keys: string[];
  /** Nodes rentals go to. */
  nodeIds: string[];
  rentalsPerMinute: number;
  meanRentalMs?: number;
  seed: string;
  /** 'auto' (default): in process up to IN_PROCESS_MAX_AGENTS agents, else a child. */
  where?: 'auto' | 'in-process' | 'child';
}

/** What the backend saw, read at the end for the report. */
export interface BackendStats {
  heartbeats: number;
  protocolErrors: number;
  authFailures: number;
  lifecycleReceipts: number;
  facts: number;
  rentals: RentalDriverCounts;
}

export interface EmbeddedBackend {
  url: string;
  where: 'in-process' | 'child process';
  pid: number;
  stats(): Promise<BackendStats>;
  close(): Promise<void>;
}

/** Starts the mock backend plus the rental driver in this process. Also the child's body. */
export async function startInProcess(o: EmbeddedOptions): Promise<{ backend: MockBackend; driver: RentalDriver; handle: EmbeddedBackend }> {
  const backend = await startMockBackend({ fleetPort: 0, keys: o.keys, ports: { fleet: 0, controlPlane: false, vstats: false, lightd: false, monitor: false, admin: false } });
  const driver = new RentalDriver({
    fleet: backend.fleet,
    state: backend.state.fleet,
    nodeIds: o.nodeIds,
    perMinute: o.rentalsPerMinute,
    meanRentalMs: o.meanRentalMs,
    seed: o.seed,
  });
  driver.start();
  const handle: EmbeddedBackend = {
    url: backend.fleetUrl,
    where: 'in-process',
    pid: process.pid,
    stats: async () => ({
      heartbeats: backend.fleet.counters.heartbeats,
      protocolErrors: backend.fleet.counters.protocolErrors,
      authFailures: backend.fleet.counters.authFailures,
      lifecycleReceipts: backend.state.fleet.lifecycleReceipts,
      facts: backend.state.fleet.facts.size,
      rentals: { ...driver.counts },
    }),
    close: async () => {
      driver.stop();
      await backend.close();
    },
  };
  return { backend, driver, handle };
}

/** Child-process messages (see backend-child.ts). */
export type ToChild = { type: 'start'; options: EmbeddedOptions } | { type: 'stats' } | { type: 'close' };
export type FromChild = { type: 'ready'; url: string } | { type: 'stats'; stats: BackendStats } | { type: 'closed' } | { type: 'error'; message: string };

function startChild(o: EmbeddedOptions): Promise<EmbeddedBackend> {
  const child: ChildProcess = fork(entryFile('backend-child'), [], { execArgv: entryExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type: FromChild['type']): Promise<FromChild> =>
    new Promise((resolve, reject) => {
      const onMsg = (m: FromChild) => {
        if (m.type === type || m.type === 'error') {
          child.off('message', onMsg);
          child.off('exit', onExit);
          if (m.type === 'error') reject(new Error(`embedded backend: ${m.message}`));
          else resolve(m);
        }
      };
      const onExit = (code: number | null) => {
        child.off('message', onMsg);
        reject(new Error(`embedded backend child exited (code ${code})`));
      };
      child.on('message', onMsg);
      child.once('exit', onExit);
    });
  const ready = next('ready');
  child.send({ type: 'start', options: o } satisfies ToChild);
  return ready.then((m) => ({
    url: (m as { url: string }).url,
    where: 'child process' as const,
    pid: child.pid ?? 0,
    stats: async () => {
      const p = next('stats');
      child.send({ type: 'stats' } satisfies ToChild);
      return ((await p) as { stats: BackendStats }).stats;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' } satisfies ToChild);
      await exited;
    },
  }));
}

/** Starts the embedded backend where `o.where` (or the agent count) says. */
export async function startEmbedded(o: EmbeddedOptions): Promise<EmbeddedBackend> {
  const where = o.where ?? 'auto';
  const child = where === 'child' || (where === 'auto' && o.keys.length > IN_PROCESS_MAX_AGENTS);
  if (child) return startChild(o);
  return (await startInProcess(o)).handle;
}
