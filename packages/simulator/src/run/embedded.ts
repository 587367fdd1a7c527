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
  /** The port the dialect's server listens on. Default 0 (ephemeral); a restart reuses the first one. */
  port?: number;
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
  /** The current incarnation's pid (a restart changes it). */
  pid: number;
  /** What the backend saw: summed over every incarnation when it was restarted. */
  stats(): Promise<BackendStats>;
  close(): Promise<void>;
  /**
   * Crashes the backend (child: SIGKILL; in process: an abrupt close) and starts
   * it again on the same port after `downMs`, with the same keys but none of its
   * state (a crash saves nothing). Resolves with the ms from the crash until it
   * listened again. `onCrash` runs just before the crash (a child process is
   * booted first, which takes seconds: the storm starts at the crash, not then).
   */
  restart(downMs: number, onCrash?: () => void): Promise<{ downMs: number; pid: number }>;
  /** Child process: forks the next restart's replacement now, so the restart need not wait for it to boot; resolves once it has. No-op in process. */
  warmUp(): Promise<void>;
}

/** One run of the backend; restarts make new ones behind the same EmbeddedBackend. */
interface Incarnation {
  url: string;
  pid: number;
  stats(): Promise<BackendStats>;
  close(): Promise<void>;
  /** Ends it the way a crash would. */
  crash(): Promise<void>;
}

/** Only the dialect's server (fleet always runs: it cannot be turned off) on `port` (0: ephemeral). */
function portsFor(dialect: Dialect, port = 0) {
  return {
    fleet: dialect === 'fleet' ? port : 0,
    controlPlane: false,
    lightd: false,
    admin: false,
    monitor: dialect === 'monitor' ? port : false,
    vstats: dialect === 'vstats' ? port : false,
  } as const;
}

/** Starts the mock backend plus the dialect's driver in this process. Also the child's body. */
export async function startInProcess(o: EmbeddedOptions): Promise<{ backend: MockBackend; driver: RentalDriver | null; handle: Incarnation }> {
  const dialect = o.dialect ?? 'fleet';
  const backend = await startMockBackend({ keys: o.keys, ports: portsFor(dialect, o.port ?? 0) });
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
  const close = async () => {
    driver?.stop();
    commands?.stop();
    await backend.close();
  };
  // In process there is nothing to SIGKILL: the closest is closing every socket at once, which the agents see as a lost link.
  const handle: Incarnation = { url, pid: process.pid, stats, close, crash: close };
  return { backend, driver, handle };
}

/** Child-process messages (see backend-child.ts). */
export type ToChild = { type: 'start'; options: EmbeddedOptions } | { type: 'stats' } | { type: 'close' };
export type FromChild = { type: 'booted' } | { type: 'ready'; url: string } | { type: 'stats'; stats: BackendStats } | { type: 'closed' } | { type: 'error'; message: string };

/** A forked backend child: `booted` once its modules are loaded (seconds from the TypeScript sources on a busy box), listening after `start`. */
interface ForkedChild {
  booted: Promise<void>;
  start(o: EmbeddedOptions): Promise<Incarnation>;
  /** Ends a child that was never started (a warmed-up spare the run did not need). */
  discard(): Promise<void>;
}

function forkChild(): ForkedChild {
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
  const booted = next('booted').then(() => undefined);
  booted.catch(() => undefined); // start() reports the same failure
  const discard = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  return { booted, start: (o) => startForked(child, next, o), discard };
}

function startChild(o: EmbeddedOptions): Promise<Incarnation> {
  return forkChild().start(o);
}

function startForked(child: ChildProcess, next: (type: FromChild['type']) => Promise<FromChild>, o: EmbeddedOptions): Promise<Incarnation> {
  const ready = next('ready');
  child.send({ type: 'start', options: o } satisfies ToChild);
  return ready.then((m) => ({
    url: (m as { url: string }).url,
    pid: child.pid ?? 0,
    crash: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
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

/** `a + b`, field by field, for the counters of two incarnations (the last one's facts: a crash loses the state). */
function addStats(a: BackendStats, b: BackendStats): BackendStats {
  const c = a.commands && b.commands ? { sent: a.commands.sent + b.commands.sent, answered: a.commands.answered + b.commands.answered, undelivered: a.commands.undelivered + b.commands.undelivered, failed: a.commands.failed + b.commands.failed } : (b.commands ?? a.commands);
  return {
    heartbeats: a.heartbeats + b.heartbeats,
    metrics: a.metrics + b.metrics,
    protocolErrors: a.protocolErrors + b.protocolErrors,
    authFailures: a.authFailures + b.authFailures,
    lifecycleReceipts: a.lifecycleReceipts + b.lifecycleReceipts,
    facts: b.facts,
    rentals: { startsSent: a.rentals.startsSent + b.rentals.startsSent, startsUndelivered: a.rentals.startsUndelivered + b.rentals.startsUndelivered, stopsSent: a.rentals.stopsSent + b.rentals.stopsSent },
    commands: c,
    // Round trips are an encoded histogram per incarnation: the last one's (commands across a crash are lost anyway).
    commandRtt: b.commandRtt,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the embedded backend where `o.where` (or the agent count) says. */
export async function startEmbedded(o: EmbeddedOptions): Promise<EmbeddedBackend> {
  const where = o.where ?? 'auto';
  const inChild = where === 'child' || (where === 'auto' && o.keys.length > IN_PROCESS_MAX_AGENTS);
  let current = inChild ? await startChild(o) : (await startInProcess(o)).handle;
  const port = Number(new URL(current.url).port);
  let carried: BackendStats | null = null;
  let spare: ForkedChild | null = null;
  const handle: EmbeddedBackend = {
    url: current.url,
    where: inChild ? 'child process' : 'in-process',
    pid: current.pid,
    stats: async () => {
      const now = await current.stats();
      return carried ? addStats(carried, now) : now;
    },
    async restart(downMs, onCrash) {
      // Its counters first (a dead process cannot be asked), then the crash.
      const before = await current.stats();
      carried = carried ? addStats(carried, before) : before;
      // The replacement child boots first: its seconds of module loading are the harness's, not the restart's.
      const next = inChild ? (spare ?? forkChild()) : null;
      spare = null;
      await next?.booted;
      onCrash?.();
      const t0 = performance.now();
      await current.crash();
      if (downMs > 0) await sleep(downMs);
      current = next ? await next.start({ ...o, port }) : (await startInProcess({ ...o, port })).handle;
      handle.pid = current.pid;
      return { downMs: performance.now() - t0, pid: current.pid };
    },
    async warmUp() {
      if (inChild && !spare) spare = forkChild();
      await spare?.booted;
    },
    close: async () => {
      await Promise.all([current.close(), spare?.discard()]);
    },
  };
  return handle;
}
