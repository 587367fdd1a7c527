/**
 * Where the agents of this run go: this thread (one FleetSlice), or worker
 * threads, or child processes, each running a disjoint sub-slice and sending
 * its report back (merged exactly, like shard reports). Threads share one
 * open-file table (~20,000 sockets here); processes each have their own.
 */
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { BackoffOptions } from '@fleetwire/sdk';
import type { ChaosOptions, Dialect, FleetTransport } from '../cli/args.js';
import { FleetPlan, type FleetPlanOptions } from '../model/fleet-plan.js';
import { Report, mergeReports, type ReportJSON, type ReportMeta } from '../report/report.js';
import type { SourcePairs } from '../transport/source-pool.js';
import { entryExecArgv, entryFile, workerEntry } from './entries.js';
import { FleetSlice } from './fleet-slice.js';
import type { SliceAgent } from './slice-agent.js';
import type { StormStart } from './storm-book.js';

/** What a slice of agents needs, in a form that crosses a worker boundary (structured clone). */
export interface SliceSpec {
  dialect: Dialect;
  url: string;
  plan: FleetPlanOptions;
  start: number;
  end: number;
  rampPerSec: number;
  heartbeatIntervalMs: number;
  /** fleet: the socket under each FleetAgent. Default 'lean'. */
  transport?: FleetTransport;
  chaos: ChaosOptions;
  /** Source (address, port) pairs agents bind (source-addresses.ts); null: the OS picks. */
  sources: SourcePairs | null;
  /** The agents' reconnect backoff (`--reconnect-initial`, `--reconnect-max`); null: the SDK's defaults. */
  backoff?: BackoffOptions | null;
  seed: string;
  meta: ReportMeta;
  /** Keep reconnect-storm figures (`--scenario storm`). Default false. */
  storms?: boolean;
}

export interface Runner {
  /**
   * Resolves when every agent-holding worker is up (its agents are starting),
   * so the run clock starts then and not while child processes still boot;
   * rejects, naming the worker, when one exits or stays silent past the
   * start-up timeout. Resolved at once for agents in this thread.
   */
  readonly ready: Promise<void>;
  /** Workers that ended before they were asked to stop, with why (empty when all is well). */
  failures(): string[];
  /** The report so far (a merged copy when workers run). */
  current(): Report;
  /** Resolves when every agent was connected at once. */
  readonly allConnected: Promise<void>;
  /** Closes every agent; the final report. */
  stop(): Promise<Report>;
  /** ms until all agents were connected, or null. */
  rampMs(): number | null;
  /** A reconnect storm starts now, in every slice (the spec must have `storms: true`). */
  storm(s: StormStart): void;
}

/** Agents in this thread. */
export function localRunner(spec: SliceSpec): Runner {
  const report = new Report(spec.meta);
  const slice = new FleetSlice<SliceAgent>({ ...spec, plan: new FleetPlan(spec.plan), report });
  slice.start();
  return {
    ready: Promise.resolve(),
    failures: () => [],
    current: () => report,
    allConnected: slice.allConnected,
    rampMs: () => slice.rampMs,
    storm: (s) => slice.storm(s),
    async stop() {
      await slice.stop();
      return report;
    },
  };
}

/** Worker → main messages: `ready` once its agents are starting, then a report every second, then the final one. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'report'; report: ReportJSON; rampMs: number | null; allConnected: boolean }
  | { type: 'final'; report: ReportJSON; rampMs: number | null };

/** Main → worker messages. */
export type ToWorker = { type: 'stop' } | { type: 'storm'; storm: StormStart };

/**
 * How long a worker may take to say `ready`. A child process started from the
 * TypeScript sources on a loaded 2-core box takes seconds (tsx); one that has
 * said nothing after this is reported as failed rather than counted as 0 agents.
 */
export const WORKER_START_TIMEOUT_MS = 60_000;

/** One worker as the runner sees it, thread or process alike. */
interface WorkerPeer {
  send(m: ToWorker): void;
  onMessage(cb: (m: FromWorker) => void): void;
  onExit(cb: (code: number | null) => void): void;
  onError(cb: (err: Error) => void): void;
  kill(): Promise<unknown>;
}

export type WorkerMode = 'thread' | 'process';

function spawnWorker(mode: WorkerMode, spec: SliceSpec): WorkerPeer {
  if (mode === 'process') {
    const child = fork(entryFile('process-worker'), [], { execArgv: entryExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.send({ type: 'spec', spec });
    return {
      send: (m) => child.connected && child.send(m),
      onMessage: (cb) => child.on('message', (m) => cb(m as FromWorker)),
      onExit: (cb) => child.once('exit', cb),
      onError: (cb) => child.on('error', cb),
      kill: async () => child.exitCode === null && child.kill(),
    };
  }
  const entry = workerEntry('worker');
  const worker = new Worker(entry.file, { workerData: { ...spec, ...entry.extraData }, execArgv: entry.execArgv });
  return {
    send: (m) => worker.postMessage(m),
    onMessage: (cb) => worker.on('message', cb),
    onExit: (cb) => worker.once('exit', cb),
    onError: (cb) => worker.on('error', cb),
    kill: () => worker.terminate(),
  };
}

/** Agents over `n` worker threads or child processes; each gets a contiguous sub-range and 1/n of the ramp. */
export function workerRunner(spec: SliceSpec, n: number, mode: WorkerMode = 'thread', startTimeoutMs = WORKER_START_TIMEOUT_MS): Runner {
  const total = spec.end - spec.start;
  const latest: Report[] = [];
  const ramps: (number | null)[] = [];
  const connectedFlags: boolean[] = [];
  let resolveAll: () => void = () => undefined;
  const allConnected = new Promise<void>((r) => (resolveAll = r));
  const workers: WorkerPeer[] = [];
  const exited: boolean[] = [];
  const up: boolean[] = [];
  const failures: string[] = [];
  let stopping = false;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => undefined); // observed by run.ts; never an unhandled rejection
  const checkReady = () => up.every(Boolean) && resolveReady();
  const startTimer = setTimeout(() => {
    const silent = up.flatMap((u, w) => (u ? [] : [`${mode} ${w}`]));
    rejectReady(new Error(`${silent.join(', ')} did not start within ${Math.round(startTimeoutMs / 1000)} s`));
  }, startTimeoutMs);
  startTimer.unref();
  void ready.then(
    () => clearTimeout(startTimer),
    () => clearTimeout(startTimer),
  );
  for (let w = 0; w < n; w++) {
    const start = spec.start + Math.floor((w * total) / n);
    const end = spec.start + Math.floor(((w + 1) * total) / n);
    const meta = { ...spec.meta, shards: [`${mode}-${w}`] };
    latest[w] = new Report(meta);
    connectedFlags[w] = start === end;
    up[w] = false;
    const worker = spawnWorker(mode, { ...spec, start, end, rampPerSec: spec.rampPerSec / n, meta });
    exited[w] = false;
    worker.onExit((code) => {
      exited[w] = true;
      connectedFlags[w] = true; // a dead worker must not hold up "all connected" forever
      if (stopping) return;
      const why = `${mode} ${w} exited${code === null ? '' : ` with code ${code}`} before the run ended`;
      failures.push(why);
      rejectReady(new Error(why));
    });
    worker.onMessage((m) => {
      up[w] = true; // `ready`, or any report (which implies it)
      checkReady();
      if (m.type === 'ready') return;
      latest[w] = Report.fromJSON(m.report, `${mode} ${w}`);
      ramps[w] = m.rampMs;
      if (m.type === 'report' && m.allConnected) connectedFlags[w] = true;
      if (connectedFlags.every(Boolean)) resolveAll();
    });
    worker.onError((err) => process.stderr.write(`fleetwire-sim: ${mode} ${w} failed: ${err.message}\n`));
    workers.push(worker);
  }
  const merged = (): Report => {
    const r = mergeReports(latest);
    r.meta = { ...spec.meta, startedAt: r.meta.startedAt, endedAt: r.meta.endedAt };
    return r;
  };
  return {
    ready,
    failures: () => [...failures],
    current: merged,
    allConnected,
    rampMs: () => (ramps.length === n && ramps.every((x) => x !== null) ? Math.max(...(ramps as number[])) : null),
    storm(s) {
      workers.forEach((worker, w) => !exited[w] && worker.send({ type: 'storm', storm: s }));
    },
    async stop() {
      stopping = true;
      clearTimeout(startTimer);
      await Promise.all(
        workers.map(
          (worker, w) =>
            new Promise<void>((resolve) => {
              if (exited[w]) return resolve();
              worker.onMessage((m) => {
                if (m.type === 'final') resolve();
              });
              worker.onExit(() => resolve());
              worker.send({ type: 'stop' });
            }),
        ),
      );
      await Promise.all(workers.map((w) => w.kill()));
      return merged();
    },
  };
}
