/**
 * `npm run bench -- scale`: how many fleet agents this box holds, and at what
 * heartbeat rate (issue 12). Each trial starts fleetwire-mock (one process, or
 * `--workers N` under node:cluster) and fleetwire-sim (`--processes P`) as child
 * processes, ramps the fleet, holds it, and reads:
 *   - connected at steady state (the lowest per-second count in the hold, % of the fleet);
 *   - heartbeat ack p50/p99: the median and the worst per-second value in the hold
 *     (per-second percentiles come from the run's HDR histograms, report series);
 *   - RSS per agent, simulator tree and backend tree (all processes, baselines included), and
 *     in brackets above each tree's idle RSS: the mock's before any agent, and a simulator
 *     with the same --processes and one agent per process, run just before the trial;
 *   - CPU per acked heartbeat, µs, each side (/proc utime+stime over the hold ÷ acks in it).
 * A trial "holds" when connected ≥ 99.9 % all through the hold and the worst
 * second's ack p99 is under the limit of its question (1 s at 100k, 250 ms at 5 s).
 *
 *   npm run bench -- scale                         # the whole set below (~35 min; uses the whole box)
 *   npm run bench -- scale --only cluster --agents 100000 --intervals 30s,20s --hold 120s
 *   npm run bench -- scale --only baseline --baseline-agents 18000
 *   npm run bench -- scale --only five --five-agents 20000,30000,40000
 *   npm run bench -- scale --quick                 # 3,000 agents, 20 s holds: does it all run?
 *   --keep-reports DIR                             # keep each trial's fleetwire-sim report (per-second series) in DIR
 *   --settle 30s                                   # after admission, before the hold: the ramp's tail (its GC, the last
 *                                                  # agents' first heartbeats) is not steady state (default 30s)
 *   --admit-within 10m                             # how long the fleet may take to get in (default 4× the ramp + 2 min);
 *                                                  # a fleet not in by then still gets figures, over the run's last --hold
 *
 * The set: (1) baseline: the single-process mock at its ceiling (18,000 agents, 5 s:
 * ~20,000 open files per process here); (2) cluster: 100,000 agents on `--workers`
 * at each interval of --intervals, shortest first, stopping at the first that holds
 * p99 < 1 s; (3) five: 5 s heartbeats at growing fleets, until one fails p99 < 250 ms.
 * Open files: each process here may hold ~20,000 sockets, so the backend needs
 * ≥ agents/15,000 workers and the simulator ≥ agents/15,000 processes (both
 * computed); past ~12,000 agents fleetwire-sim binds source ports of its own
 * on 127.0.0.2, … (the kernel's port choice is a scan per connect past that). The mock pings each agent every
 * --fleet-ping (60s; Socket.IO's 25 s default is 4,000 pings/s at 100k, more
 * frames than the heartbeats).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startMockProcess, type MockProcess } from '../test-support/mock-process.js';
import { sampleTree, type TreeSample } from './proc-stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PER_PROCESS = 15_000; // sockets per process we aim for, under the 20,000 open-file limit

const { values: o } = parseArgs({
  options: {
    only: { type: 'string' },
    agents: { type: 'string', default: '100000' },
    intervals: { type: 'string', default: '15s,20s,30s,60s' },
    hold: { type: 'string', default: '120s' },
    ramp: { type: 'string', default: '1000' },
    'fleet-ping': { type: 'string', default: '60s' },
    'admit-within': { type: 'string' },
    settle: { type: 'string', default: '30s' },
    'keep-reports': { type: 'string' },
    workers: { type: 'string' },
    'baseline-agents': { type: 'string', default: '18000' },
    'five-agents': { type: 'string', default: '20000,30000,40000' },
    'five-hold': { type: 'string', default: '60s' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (o.help) {
  console.log(readHeader());
  process.exit(0);
}

/** The comment at the top of this file, as plain text: what the bench measures and its flags. */
function readHeader(): string {
  const src = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  return src.slice(src.indexOf('/**') + 3, src.indexOf('*/')).replace(/^ ?\* ?/gm, '').trim();
}

function seconds(s: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) throw new Error(`--${name}: expected a duration like 30s, 2m or 500ms, got ${JSON.stringify(s)}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}
function count(s: string, name: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a whole number ≥ 1, got ${JSON.stringify(s)}`);
  return n;
}

interface Trial {
  label: string;
  agents: number;
  intervalS: number;
  holdS: number;
  /** null: the mock in one process (today's layout). */
  workers: number | null;
  p99LimitMs: number;
}

interface Result extends Trial {
  connectedMinPct: number;
  ackP50Ms: number | null;
  ackP99MedianMs: number | null;
  ackP99WorstMs: number | null;
  acksInHold: number;
  simRssPerAgentKB: number;
  backendRssPerAgentKB: number;
  /** The same above each tree's idle RSS (see idleSimRss; the mock's before any agent connected). */
  simRssAboveIdleKB: number;
  backendRssAboveIdleKB: number;
  simCpuUsPerAck: number;
  backendCpuUsPerAck: number;
  /** Seconds from the run's start until ≥ 99.9 % of the fleet was connected; null: not within the budget. */
  admittedAfterS: number | null;
  /** Seconds into the hold of the worst second's ack p99. */
  worstAtS: number | null;
  /** Seconds of the hold whose ack p99 reached the limit, of how many. */
  secondsOver: number;
  secondsInHold: number;
  /** Most agents connected at once (the whole fleet when admitted). */
  connectedMax: number;
  holds: boolean;
  load: string;
  note: string;
}

interface SeriesJSON {
  t: number[];
  connected: number[];
  acks_per_s: number[];
  ack_p50_ms: (number | null)[];
  ack_p99_ms: (number | null)[];
}
interface ReportJSON {
  meta: { startedAt: string };
  series: SeriesJSON;
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : null);

/** Agents connected, from a line of fleetwire-sim's `--live plain` output (null when the text has none). */
const connectedIn = (text: string): number | null => {
  const m = /connected=(\d+)\/\d+/.exec(text);
  return m ? Number(m[1]) : null;
};

/** The fleetwire-sim command line (from sources) for a run against `url`. */
const simCommand = (url: string, agents: number, processes: number, extra: string[]) => ['--conditions=source', '--import', 'tsx', 'packages/simulator/src/cli/main.ts', 'run', '--url', url, '--agents', String(agents), '--processes', String(processes), '--live', 'plain', ...extra];

/**
 * The simulator's own footprint: RSS of a fleetwire-sim tree with the trial's
 * --processes and one agent per process, once every agent is in and the
 * processes have settled (the highest of three samples a second apart). What a
 * trial's tree holds above it is what its agents cost.
 */
async function idleSimRss(url: string, processes: number): Promise<number> {
  const sim = spawn(process.execPath, simCommand(url, processes, processes, ['--duration', '120s']), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => sim.once('exit', () => r()));
  try {
    await new Promise<void>((resolve, reject) => {
      const watch = (d: Buffer) => connectedIn(d.toString()) === processes && resolve();
      sim.stdout.on('data', watch);
      sim.stderr.on('data', watch);
      void exited.then(() => reject(new Error('the idle simulator (for the memory baseline) exited before its agents were in')));
    });
    let rss = 0;
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      rss = Math.max(rss, sampleTree(sim.pid!).rssBytes);
    }
    return rss;
  } finally {
    sim.kill('SIGINT');
    await exited;
  }
}

async function runTrial(t: Trial): Promise<Result> {
  const ramp = Number(o.ramp);
  const rampS = Math.ceil(t.agents / ramp);
  const settleS = seconds(o.settle!, 'settle');
  // The fleet gets in when it gets in (a loaded box ramps slower than asked): the hold
  // starts once ≥ 99.9 % are connected, and the run is stopped (SIGINT) after it.
  const admitBudgetS = o['admit-within'] ? seconds(o['admit-within'], 'admit-within') : rampS * 4 + 120;
  const processes = Math.max(1, Math.ceil(t.agents / PER_PROCESS));
  const dir = await mkdtemp(join(tmpdir(), 'fw-scale-'));
  const out = join(dir, 'report.json');
  const mockArgs = ['--ephemeral', '--fleet-ping-interval', o['fleet-ping']!, ...(t.workers ? ['--workers', String(t.workers)] : [])];
  console.log(`\n== ${t.label}: ${t.agents.toLocaleString('en-US')} agents, ${t.intervalS} s heartbeats, ${t.workers ? `mock --workers ${t.workers}` : 'mock in one process'}, sim --processes ${processes}, ramp ${ramp}/s, fleet ping ${o['fleet-ping']}, hold ${t.holdS} s`);
  let mock: MockProcess | null = null;
  try {
    mock = await startMockProcess(mockArgs, 180_000);
    const mockIdleRss = sampleTree(mock.child.pid!).rssBytes;
    const simIdleRss = await idleSimRss(mock.fleetUrl, processes);
    console.log(`   idle RSS: mock ${(mockIdleRss / 2 ** 20).toFixed(0)} MB, simulator with --processes ${processes} and one agent each ${(simIdleRss / 2 ** 20).toFixed(0)} MB`);
    const simArgs = simCommand(mock.fleetUrl, t.agents, processes, ['--ramp', String(ramp), '--heartbeat-interval', `${t.intervalS}s`, '--duration', `${admitBudgetS + settleS + t.holdS + 60}s`, '--out', out]);
    const sim = spawn(process.execPath, simArgs, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let admittedAt: number | null = null;
    let stopTimer: NodeJS.Timeout | undefined;
    const onOutput = (d: Buffer) => {
      const text = d.toString();
      process.stdout.write(text.replace(/^(?=.)/gm, '   sim | '));
      const n = connectedIn(text);
      if (n !== null && admittedAt === null && n >= 0.999 * t.agents) {
        admittedAt = Date.now();
        stopTimer = setTimeout(() => sim.kill('SIGINT'), (settleS + t.holdS + 2) * 1000);
      }
    };
    sim.stdout.on('data', onOutput);
    sim.stderr.on('data', onOutput);
    const giveUp = setTimeout(() => admittedAt === null && sim.kill('SIGINT'), admitBudgetS * 1000);
    const samples: { at: number; sim: TreeSample; backend: TreeSample }[] = [];
    const timer = setInterval(() => samples.push({ at: Date.now(), sim: sampleTree(sim.pid!), backend: sampleTree(mock!.child.pid!) }), 1000);
    const code = await new Promise<number | null>((r) => sim.once('exit', (c) => r(c)));
    clearInterval(timer);
    clearTimeout(giveUp);
    clearTimeout(stopTimer);
    const report = JSON.parse(await readFile(out, 'utf8')) as ReportJSON;
    const s = report.series;
    const t0 = Date.parse(report.meta.startedAt);
    const end = s.t[s.t.length - 1] ?? 0;
    // The hold: from admission + settle to the end, minus the last two seconds (agents closing).
    // A fleet never admitted still gets its figures, over the last `holdS` seconds of the run:
    // what the control plane did with the agents it had is the point of such a run.
    const from = admittedAt === null ? end - 2 - t.holdS : (admittedAt - t0) / 1000 + settleS;
    const idx = s.t.map((x, i) => [x, i] as const).filter(([x]) => x >= from && x <= s.t[s.t.length - 1]! - 2).map(([, i]) => i);
    const connectedMax = Math.max(0, ...s.connected);
    if (idx.length < 5) throw new Error(`the run gave only ${idx.length} samples in the hold (exit ${code}${admittedAt === null ? `; not admitted within ${admitBudgetS} s, at most ${connectedMax} connected` : ''}); see its output above`);
    const acks = idx.reduce((n, i) => n + s.acks_per_s[i]!, 0);
    const p50s = idx.map((i) => s.ack_p50_ms[i]).filter((x): x is number => x !== null);
    const p99s = idx.map((i) => s.ack_p99_ms[i]).filter((x): x is number => x !== null);
    const inHold = samples.filter((x) => x.at >= t0 + s.t[idx[0]!]! * 1000 && x.at <= t0 + s.t[idx[idx.length - 1]!]! * 1000);
    if (inHold.length < 2) throw new Error(`no process samples in the hold (exit ${code})`);
    const first = inHold[0]!;
    const last = inHold[inHold.length - 1]!;
    const holdAcks = acks || 1;
    const connectedMinPct = (100 * Math.min(...idx.map((i) => s.connected[i]!))) / t.agents;
    const worst = p99s.length ? Math.max(...p99s) : null;
    const overLimit = p99s.filter((x) => x >= t.p99LimitMs).length;
    // Where in the hold the worst second fell: a spike at its start is the ramp's tail, one anywhere is the steady state's.
    const worstAtS = worst === null ? null : Math.round(s.t[idx.find((i) => s.ack_p99_ms[i] === worst)!]! - s.t[idx[0]!]!);
    // Per agent connected in the hold (the whole fleet once admitted; fewer when it never was).
    const agentsIn = Math.max(1, ...idx.map((i) => s.connected[i]!));
    const simPeak = Math.max(...inHold.map((x) => x.sim.rssBytes));
    const backendPeak = Math.max(...inHold.map((x) => x.backend.rssBytes));
    const r: Result = {
      ...t,
      connectedMinPct,
      ackP50Ms: median(p50s),
      ackP99MedianMs: median(p99s),
      ackP99WorstMs: worst,
      acksInHold: acks,
      simRssPerAgentKB: simPeak / 1024 / agentsIn,
      backendRssPerAgentKB: backendPeak / 1024 / agentsIn,
      simRssAboveIdleKB: (simPeak - simIdleRss) / 1024 / agentsIn,
      backendRssAboveIdleKB: (backendPeak - mockIdleRss) / 1024 / agentsIn,
      simCpuUsPerAck: ((last.sim.cpuS - first.sim.cpuS) * 1e6) / holdAcks,
      backendCpuUsPerAck: ((last.backend.cpuS - first.backend.cpuS) * 1e6) / holdAcks,
      admittedAfterS: admittedAt === null ? null : Math.round((admittedAt - t0) / 1000),
      connectedMax,
      holds: admittedAt !== null && connectedMinPct >= 99.9 && worst !== null && worst < t.p99LimitMs,
      load: loadavg().map((x) => x.toFixed(1)).join(' '),
      worstAtS,
      secondsOver: overLimit,
      secondsInHold: p99s.length,
      note: [admittedAt === null ? `not admitted within ${admitBudgetS} s (at most ${connectedMax} connected); figures over the run's last ${t.holdS} s` : '', code === 0 ? '' : `sim exit ${code}`].filter(Boolean).join('; '),
    };
    console.log(`${table([r])}\n${JSON.stringify(r)}`); // each trial's figures as soon as it ends: a long set stopped midway keeps them
    console.log(`   → connected ≥ ${r.connectedMinPct.toFixed(2)} %, ack p50 ${fmt(r.ackP50Ms)} / p99 median ${fmt(r.ackP99MedianMs)} worst ${fmt(r.ackP99WorstMs)}, ${r.holds ? 'HOLDS' : 'does not hold'} (p99 < ${t.p99LimitMs} ms)`);
    return r;
  } finally {
    await mock?.stop('SIGTERM');
    if (o['keep-reports']) await copyFile(out, join(o['keep-reports'], `scale-${t.label}-${t.agents}-${t.intervalS}s.json`)).catch((e: Error) => console.log(`   (report not kept: ${e.message})`));
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (ms: number | null) => (ms === null ? '–' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

function table(rs: Result[]): string {
  const head = ['trial', 'agents', 'hb', 'backend', 'in after', 'conn min', 'p50', 'p99 med', 'p99 worst', 'sim KB/agent (above idle)', 'mock KB/agent (above idle)', 'sim µs/ack', 'mock µs/ack', 'holds', 'load'];
  const rows = rs.map((r) => [
    r.label,
    r.agents.toLocaleString('en-US'),
    `${r.intervalS} s`,
    r.workers ? `${r.workers} workers` : '1 process',
    r.admittedAfterS === null ? `not in (max ${r.connectedMax.toLocaleString('en-US')})` : `${r.admittedAfterS} s`,
    `${r.connectedMinPct.toFixed(2)} %`,
    fmt(r.ackP50Ms),
    fmt(r.ackP99MedianMs),
    `${fmt(r.ackP99WorstMs)}${r.worstAtS === null ? '' : ` (+${r.worstAtS} s)`}`,
    `${r.simRssPerAgentKB.toFixed(1)} (${r.simRssAboveIdleKB.toFixed(1)})`,
    `${r.backendRssPerAgentKB.toFixed(1)} (${r.backendRssAboveIdleKB.toFixed(1)})`,
    r.simCpuUsPerAck.toFixed(0),
    r.backendCpuUsPerAck.toFixed(0),
    `${r.holds ? 'yes' : 'no'} (<${r.p99LimitMs} ms; ${r.secondsOver} of ${r.secondsInHold} s over)${r.note ? ` ${r.note}` : ''}`,
    r.load,
  ]);
  return [head, head.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const quick = o.quick;
  const agents = quick ? 3000 : count(o.agents!, 'agents');
  const hold = quick ? 20 : seconds(o.hold!, 'hold');
  const intervals = (quick ? '5s' : o.intervals!).split(',').map((x) => seconds(x, 'intervals')).sort((a, b) => a - b);
  const workers = o.workers ? count(o.workers, 'workers') : Math.max(2, Math.ceil(agents / PER_PROCESS));
  const only = o.only;
  if (only && !['baseline', 'cluster', 'five'].includes(only)) throw new Error(`--only: baseline, cluster or five, got ${JSON.stringify(only)}`);
  const results: Result[] = [];

  if (!only || only === 'baseline') {
    const n = quick ? 2000 : count(o['baseline-agents']!, 'baseline-agents');
    results.push(await runTrial({ label: 'baseline', agents: n, intervalS: 5, holdS: quick ? 20 : seconds(o['five-hold']!, 'five-hold'), workers: null, p99LimitMs: 250 }));
  }
  if (!only || only === 'cluster') {
    // Shortest interval first; the first that holds is the answer (longer ones hold a fortiori).
    for (const iv of intervals) {
      const r = await runTrial({ label: 'cluster', agents, intervalS: iv, holdS: hold, workers, p99LimitMs: 1000 });
      results.push(r);
      if (r.holds) break;
    }
  }
  if (!only || only === 'five') {
    const sizes = (quick ? '3000' : o['five-agents']!).split(',').map((x) => count(x, 'five-agents'));
    for (const n of sizes) {
      const r = await runTrial({ label: '5 s', agents: n, intervalS: 5, holdS: quick ? 20 : seconds(o['five-hold']!, 'five-hold'), workers: Math.max(2, Math.ceil(n / PER_PROCESS)), p99LimitMs: 250 });
      results.push(r);
      if (!r.holds) break;
    }
  }
  console.log(`\n${table(results)}\n`);
  console.log(JSON.stringify({ bench: 'scale', at: new Date().toISOString(), results }, null, 2));
}

main().catch((e: Error) => {
  console.error(`bench scale: ${e.message}`);
  process.exit(1);
});
