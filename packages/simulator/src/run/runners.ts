/**
 * Where the agents of this process run: in this thread (one FleetSlice) or
 * spread over worker threads, each running a disjoint sub-slice and sending
 * its report back (merged exactly, like shard reports).
 */
import { Worker } from 'node:worker_threads';
import type { ChaosOptions, Dialect } from '../cli/args.js';
import { FleetPlan, type FleetPlanOptions } from '../model/fleet-plan.js';
import { Report, mergeReports, type ReportJSON, type ReportMeta } from '../report/report.js';
import { workerEntry } from './entries.js';
import { FleetSlice } from './fleet-slice.js';
import type { SliceAgent } from './slice-agent.js';

/** What a slice of agents needs, in a form that crosses a worker boundary (structured clone). */
export interface SliceSpec {
  dialect: Dialect;
  url: string;
  plan: FleetPlanOptions;
  start: number;
  end: number;
  rampPerSec: number;
  heartbeatIntervalMs: number;
  chaos: ChaosOptions;
  sourceAddresses: string[];
  seed: string;
  meta: ReportMeta;
}

export interface Runner {
  /** The report so far (a merged copy when workers run). */
  current(): Report;
  /** Resolves when every agent was connected at once. */
  readonly allConnected: Promise<void>;
  /** Closes every agent; the final report. */
  stop(): Promise<Report>;
  /** ms until all agents were connected, or null. */
  rampMs(): number | null;
}

/** Agents in this thread. */
export function localRunner(spec: SliceSpec): Runner {
  const report = new Report(spec.meta);
  const slice = new FleetSlice<SliceAgent>({ ...spec, plan: new FleetPlan(spec.plan), report });
  slice.start();
  return {
    current: () => report,
    allConnected: slice.allConnected,
    rampMs: () => slice.rampMs,
    async stop() {
      await slice.stop();
      return report;
    },
  };
}

/** Worker → main messages. */
export type FromWorker = { type: 'report'; report: ReportJSON; rampMs: number | null; allConnected: boolean } | { type: 'final'; report: ReportJSON; rampMs: number | null };

/** Agents over `n` worker threads; each gets a contiguous sub-range and 1/n of the ramp. */
export function workerRunner(spec: SliceSpec, n: number): Runner {
  const total = spec.end - spec.start;
  const latest: Report[] = [];
  const ramps: (number | null)[] = [];
  const connectedFlags: boolean[] = [];
  let resolveAll: () => void = () => undefined;
  const allConnected = new Promise<void>((r) => (resolveAll = r));
  const workers: Worker[] = [];
  const exited: boolean[] = [];
  for (let w = 0; w < n; w++) {
    const start = spec.start + Math.floor((w * total) / n);
    const end = spec.start + Math.floor(((w + 1) * total) / n);
    const meta = { ...spec.meta, shards: [`worker-${w}`] };
    latest[w] = new Report(meta);
    connectedFlags[w] = start === end;
    const entry = workerEntry('worker');
    const worker = new Worker(entry.file, {
      workerData: { ...spec, start, end, rampPerSec: spec.rampPerSec / n, meta, ...entry.extraData },
      execArgv: entry.execArgv,
    });
    exited[w] = false;
    worker.once('exit', () => {
      exited[w] = true;
      connectedFlags[w] = true; // a dead worker must not hold up "all connected" forever
    });
    worker.on('message', (m: FromWorker) => {
      latest[w] = Report.fromJSON(m.report, `worker ${w}`);
      ramps[w] = m.rampMs;
      if (m.type === 'report' && m.allConnected) connectedFlags[w] = true;
      if (connectedFlags.every(Boolean)) resolveAll();
    });
    worker.on('error', (err) => process.stderr.write(`fleetwire-sim: worker ${w} failed: ${err.message}\n`));
    workers.push(worker);
  }
  const merged = (): Report => {
    const r = mergeReports(latest);
    r.meta = { ...spec.meta, startedAt: r.meta.startedAt, endedAt: r.meta.endedAt };
    return r;
  };
  return {
    current: merged,
    allConnected,
    rampMs: () => (ramps.length === n && ramps.every((x) => x !== null) ? Math.max(...(ramps as number[])) : null),
    async stop() {
      await Promise.all(
        workers.map(
          (worker, w) =>
            new Promise<void>((resolve) => {
              if (exited[w]) return resolve();
              worker.on('message', (m: FromWorker) => {
                if (m.type === 'final') resolve();
              });
              worker.once('exit', () => resolve());
              worker.postMessage({ type: 'stop' });
            }),
        ),
      );
      await Promise.all(workers.map((w) => w.terminate()));
      return merged();
    },
  };
}
