/**
 * `fleetwire-sim run`: the whole job. Starts (or finds) the control plane,
 * runs this shard's agents (in this thread, over worker threads or child processes) with the live
 * view, stops after --duration or on SIGINT/SIGTERM, then prints the summary,
 * writes --out and evaluates the thresholds.
 *
 * Exit codes: 0 all thresholds passed and the agents got in, 1 a threshold
 * failed, no agent got in / agents were refused (thresholds or not), or a worker
 * failed to start or died mid-run (each named on stderr), 2 bad input.
 */
import type { RunOptions } from '../cli/args.js';
import { FleetPlan, shardRange } from '../model/fleet-plan.js';
import { type Report, type ReportMeta } from '../report/report.js';
import { renderSummary } from '../report/render.js';
import { evaluateThresholds, type ThresholdResult } from '../report/thresholds.js';
import { formatMs } from '../report/units.js';
import { admissionProblem } from '../report/admission.js';
import { writeOutputs } from '../report/outputs.js';
import { SeriesSampler } from '../report/series.js';
import { addBackendStats } from './backend-stats.js';
import { startEmbedded, type EmbeddedBackend } from './embedded.js';
import { startLiveView } from './live.js';
import { localRunner, workerRunner, type Runner, type SliceSpec } from './runners.js';
import { chooseSourcePairs } from './source-addresses.js';
import { startStorms, type StormDriver } from './storm.js';
import { stormProblem } from '../report/storm.js';

/** Where the run writes, and how it is stopped (replaceable in tests). */
export interface RunIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  /** Resolves when the run must stop early (default: SIGINT or SIGTERM). */
  interrupted?: Promise<unknown>;
}

export interface RunResult {
  exitCode: 0 | 1 | 2;
  report: Report | null;
  thresholds: ThresholdResult[];
}

function signals(): { promise: Promise<string>; dispose: () => void } {
  let dispose = () => undefined as void;
  const promise = new Promise<string>((resolve) => {
    const on = (s: string) => resolve(s);
    process.once('SIGINT', on);
    process.once('SIGTERM', on);
    dispose = () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  });
  return { promise, dispose };
}

export async function runSimulation(o: RunOptions, io: RunIo = { stdout: process.stdout, stderr: process.stderr }): Promise<RunResult> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let plan: FleetPlan;
  try {
    plan = new FleetPlan({ seed: o.seed, agents: o.agents, gpus: o.gpus, ...(o.keys ? { keys: o.keys } : {}) });
  } catch (err) {
    say(`fleetwire-sim: ${(err as Error).message}`);
    return { exitCode: 2, report: null, thresholds: [] };
  }
  const { start, end } = shardRange(o.agents, o.shard);
  const shardText = `${o.shard.index}/${o.shard.count}`;

  let embedded: EmbeddedBackend | null = null;
  let url = o.url;
  if (url === null) {
    const ids = [];
    for (let i = start; i < end; i++) ids.push(plan.agent(i));
    try {
      embedded = await startEmbedded({
        dialect: o.dialect,
        commandsPerMinute: o.commandsPerMinute,
        keys: ids.map((a) => a.key),
        nodeIds: ids.map((a) => a.nodeId),
        rentalsPerMinute: o.rentalsPerMinute,
        meanRentalMs: o.meanRentalMs,
        seed: o.seed,
        where: o.backend,
      });
    } catch (err) {
      say(`fleetwire-sim: could not start the embedded mock backend: ${(err as Error).message}`);
      return { exitCode: 1, report: null, thresholds: [] };
    }
    url = embedded.url;
    // A restart storm's replacement backend boots before the run clock starts, so the storm comes when planned.
    if (o.storm?.mode === 'restart') {
      try {
        await embedded.warmUp();
      } catch (err) {
        say(`fleetwire-sim: could not boot the replacement backend for --storm-mode restart: ${(err as Error).message}`);
        await embedded.close();
        return { exitCode: 1, report: null, thresholds: [] };
      }
    }
    const why = o.backend === 'child' ? '--embedded-backend child' : 'above 9,000 agents, for the open-file limit';
    const driving = o.dialect === 'fleet' ? `${o.rentalsPerMinute} rentals/min` : o.dialect === 'monitor' ? `${o.commandsPerMinute} commands/min` : 'vstats agents get no commands';
    say(
      `fleetwire-sim: no --url given: started the mock backend ${embedded.where === 'in-process' ? 'in this process' : `in a child process (pid ${embedded.pid}; ${why})`} on ${url}; ${driving}`,
    );
  }
  say(
    `fleetwire-sim: ${end - start} of ${o.agents} ${o.dialect} agents (shard ${shardText}) → ${url}, ramp ${o.rampPerSec}/s, ${o.dialect === 'fleet' ? 'heartbeat' : 'metrics every'} ${formatMs(o.heartbeatIntervalMs)}, ` +
      `seed ${o.seed}${o.workers > 1 ? `, ${o.workers} workers` : ''}${o.processes > 1 ? `, ${o.processes} processes` : ''}${o.durationMs ? `, for ${formatMs(o.durationMs)}` : ', until Ctrl-C'}`,
  );

  const choice = chooseSourcePairs(end - start, url, o.sourceAddresses);
  if ('warning' in choice) say(`fleetwire-sim: warning: ${choice.warning}`);
  else if (choice.note) say(`fleetwire-sim: ${choice.note}`);
  const sources = choice.pairs;

  const meta: ReportMeta = { dialect: o.dialect, seed: o.seed, fleetAgents: o.agents, shards: [shardText], startedAt: new Date().toISOString(), endedAt: new Date().toISOString() };
  const spec: SliceSpec = {
    dialect: o.dialect,
    url,
    plan: { seed: o.seed, agents: o.agents, gpus: o.gpus, ...(o.keys ? { keys: o.keys } : {}) },
    start,
    end,
    rampPerSec: o.rampPerSec,
    heartbeatIntervalMs: o.heartbeatIntervalMs,
    backoff: o.backoff,
    transport: o.transport,
    chaos: o.chaos,
    sources,
    seed: o.seed,
    meta,
    ...(o.storm ? { storms: true } : {}),
  };
  const slots = Math.max(1, end - start);
  const workers = Math.min(o.workers, slots);
  const processes = Math.min(o.processes, slots);
  const runner: Runner =
    processes > 1 ? workerRunner(spec, processes, 'process') : workers > 1 ? workerRunner(spec, workers, 'thread') : localRunner(spec);
  const sig = io.interrupted ? null : signals();
  const interrupted = (io.interrupted ?? sig!.promise).then((s) => String(s ?? 'interrupted'));

  // The run clock starts once every worker is up: child processes can take
  // seconds to boot on a loaded box, and that time must not eat the duration.
  const startup = await Promise.race([
    runner.ready.then(
      () => null,
      (err: Error) => `fleetwire-sim: ${err.message}`,
    ),
    interrupted.then((s) => `fleetwire-sim: ${s} while the workers were starting`),
  ]);
  if (startup !== null) {
    sig?.dispose();
    say(startup);
    await runner.stop();
    await embedded?.close();
    return { exitCode: 1, report: null, thresholds: [] };
  }

  const t0 = performance.now();
  const current = () => {
    const r = runner.current();
    r.meta.endedAt = new Date().toISOString();
    return r;
  };
  const stopView = startLiveView(current, t0, { mode: o.live, out: io.stdout, ...(o.durationMs ? { durationMs: o.durationMs } : {}) });
  // The per-second time series of the JSON/HTML reports, from the same merged report the live view reads.
  const sampler = new SeriesSampler();
  const sampleTimer = setInterval(() => sampler.sample(current(), performance.now() - t0), 1000);
  const storms: StormDriver | null = o.storm ? startStorms(o.storm, runner, embedded, t0, say) : null;

  let timer: ReturnType<typeof setTimeout> | null = null;
  const why = await Promise.race([
    new Promise<string>((resolve) => {
      if (o.durationMs) timer = setTimeout(() => resolve('duration'), o.durationMs);
    }),
    interrupted,
  ]);
  if (timer) clearTimeout(timer);
  sig?.dispose();
  clearInterval(sampleTimer);
  stopView();
  if (why !== 'duration') say(`\nfleetwire-sim: ${why}: closing agents…`);
  await storms?.stop();

  const report = await runner.stop();
  // The slices know the agents; only this process knows how long the backend was away.
  for (const s of report.storms) s.downMs = Math.round(storms?.downMs.get(s.index) ?? s.downMs);
  const lostWorkers = runner.failures();
  report.meta.endedAt = new Date().toISOString();
  sampler.sample(report, performance.now() - t0);
  report.series = sampler.series;
  if (embedded) {
    try {
      addBackendStats(report, o.dialect, await embedded.stats());
    } catch (err) {
      say(`fleetwire-sim: could not read the backend's counters: ${(err as Error).message}`);
    }
    await embedded.close();
  }
  const ramp = runner.rampMs();
  if (ramp !== null) report.setGauge('ramp_per_sec', Math.round(((end - start) * 1000) / Math.max(1, ramp)));

  const results = evaluateThresholds(report, o.thresholds);
  // Agents missing after a storm fail the run unless the user set their own storm thresholds (which then decide).
  const storm = o.storm && !o.thresholds.some((t) => t.metric.startsWith('storm_')) ? stormProblem(report.storms) : null;
  if (o.storm && report.storms.length < o.storm.count) say(`fleetwire-sim: ${o.storm.count - report.storms.length} of ${o.storm.count} storms did not happen (the run ended first)`);
  const admission = admissionProblem(report) ?? storm;
  io.stdout.write(`\n${renderSummary(report, results)}`);
  if (await writeOutputs(report, results, admission, o, say)) return { exitCode: 2, report, thresholds: results };
  if (lostWorkers.length > 0) {
    // Their agents' figures stop where the worker died: no threshold can vouch for the run.
    say(`fleetwire-sim: ${lostWorkers.join('; ')}; the report covers their agents only up to then`);
    return { exitCode: 1, report, thresholds: results };
  }
  const failed = results.filter((r) => !r.pass);
  if (admission) say(`fleetwire-sim: ${admission}`);
  if (failed.length > 0) {
    say(`fleetwire-sim: ${failed.length} threshold(s) failed: ${failed.map((f) => `${f.expr} (actual ${f.actualText})`).join(', ')}`);
  }
  return { exitCode: admission || failed.length > 0 ? 1 : 0, report, thresholds: results };
}
