/**
 * The embedded control plane: when `--url` is not given, the simulator starts
 * the mock backend itself, accepting the fleet plan's keys and driving rentals
 * (fleet) or commands (monitor) through it. monitor and vstats agents connect
 * to the backend's monitor / vstats server; the fleet server runs anyway (it
 * cannot be turned off) but no agent uses it then.
 *
 * In process up to IN_PROCESS_MAX_AGENTS agents; above that in a child process,
 * because one process holds at most ~20,000 open files here and an in-process
 * backend holds the server end of every agent's socket too (2 fds per agent).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import type { Dialect } from '../cli/args.js';
import { CommandDriver, type CommandDriverCounts } from './commands.js';
import { entryExecArgv, entryFile } from './entries.js';
import { RentalDriver, type RentalDriverCounts } from './rentals.js';

/** Above this many agents the embedded backend runs in a child process. */
export const IN_PROCESS_MAX_AGENTS = 9000;

export interface EmbeddedOptions {
  /** What the agents speak. Default 'fleet'. */
  dialect?: Dialect;
  /** Keys the backend accepts (one per agent). */
  keys: string[];
  /** Nodes rentals go to (fleet); the server_id each key authenticates as (monitor). Same order as `keys`. */
  nodeIds: string[];
  /** fleet: start_instance commands per minute. */
  rentalsPerMinute: number;
  meanRentalMs?: number;
  /** monitor: commands per minute over the fleet. Default 0. */
  commandsPerMinute?: number;
  seed: string;
  /** 'auto' (default): in process up to IN_PROCESS_MAX_AGENTS agents, else a child. */
  where?: 'auto' | 'in-process' | 'child';
}

/** What the backend saw, read at the end for the report (the dialect's own counters; the others stay 0). */
export interface BackendStats {
  /** fleet heartbeats; vstats keepalive heartbeats. */
  heartbeats: number;
  /** monitor / vstats: metrics messages the backend's state counted (summed over its servers). */
  metrics: number;
  protocolErrors: number;
  authFailures: number;
  lifecycleReceipts: number;
  facts: number;
  rentals: RentalDriverCounts;
  /** monitor: the command driver's counts, and its round trips as an encoded HDR histogram. */
  commands: CommandDriverCounts | null;
  commandRtt: string | null;
}

export interface EmbeddedBackend {
  /** The URL agents of the dialect connect to. */
  url: string;
  where: 'in-process' | 'child process';
  pid: number;
  stats(): Promise<BackendStats>;
  close(): Promise<void>;
}

/** Only the dialect's server (fleet always runs: it cannot be turned off). */
function portsFor(dialect: Dialect) {
  return { fleet: 0, controlPlane: false, lightd: false, admin: false, monitor: dialect === 'monitor' ? 0 : false, vstats: dialect === 'vstats' ? 0 : false } as const;
}

/** Starts the mock backend plus the dialect's driver in this process. Also the child's body. */
export async function startInProcess(o: EmbeddedOptions): Promise<{ backend: MockBackend; driver: RentalDriver | null; handle: EmbeddedBackend }> {
  const dialect = o.dialect ?? 'fleet';
  const backend = await startMockBackend({ fleetPort: 0, keys: o.keys, ports: portsFor(dialect) });
  let url = backend.fleetUrl;
  let driver: RentalDriver | null = null;
  let commands: CommandDriver | null = null;
  if (dialect === 'fleet') {
    driver = new RentalDriver({
      fleet: backend.fleet,
      state: backend.state.fleet,
      nodeIds: o.nodeIds,
      perMinute: o.rentalsPerMinute,
      meanRentalMs: o.meanRentalMs,
      seed: o.seed,
    });
    driver.start();
  } else if (dialect === 'monitor') {
    const monitor = backend.servers.monitor!;
    // Each key authenticates as its agent's nodeId, so server_ids are the plan's, stable across runs of a seed.
    o.keys.forEach((k, i) => backend.state.monitor.registerServer(k, o.nodeIds[i]!));
    url = backend.endpoints.monitor!.url;
    commands = new CommandDriver({ monitor, serverIds: o.nodeIds, perMinute: o.commandsPerMinute ?? 0, seed: o.seed });
    commands.start();
  } else {
    // The base URL (the SDK appends /ws/agent); endpoints.vstats.url is the dashboards' /ws.
    url = backend.servers.vstats!.url;
  }
  const stats = async (): Promise<BackendStats> => {
    let metrics = 0;
    if (dialect === 'monitor') for (const s of backend.state.monitor.servers.values()) metrics += s.metricsCount;
    if (dialect === 'vstats') for (const s of backend.state.vstats.servers.values()) metrics += s.metricsReports;
    const m = backend.servers.monitor?.counters;
    const v = backend.servers.vstats?.counters;
    const f = backend.fleet.counters;
    return {
      heartbeats: dialect === 'vstats' ? (v?.heartbeats ?? 0) : f.heartbeats,
      metrics,
      protocolErrors: dialect === 'monitor' ? (m?.protocolErrors ?? 0) : dialect === 'vstats' ? (v?.invalidMessages ?? 0) : f.protocolErrors,
      authFailures: dialect === 'monitor' ? (m?.authFailures ?? 0) : dialect === 'vstats' ? (v?.authFailures ?? 0) : f.authFailures,
      lifecycleReceipts: backend.state.fleet.lifecycleReceipts,
      facts: backend.state.fleet.facts.size,
      rentals: driver ? { ...driver.counts } : { startsSent: 0, startsUndelivered: 0, stopsSent: 0 },
      commands: commands ? { ...commands.counts } : null,
      commandRtt: commands ? commands.rtt.encode() : null,
    };
  };
  const handle: EmbeddedBackend = {
    url,
    where: 'in-process',
    pid: process.pid,
    stats,
    close: async () => {
      driver?.stop();
      commands?.stop();
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
