/**
 * `npm run bench -- mock-cluster`: the mock backend as one process vs
 * `--workers 2` (issue 12), the same fleet against each, rounds interleaved.
 * Per variant: agents connected at the end, ack p50/p99 (the simulator's HDR
 * histogram over the whole run, ramp included), and per backend process its
 * open fds and RSS sampled near the end of the run, plus the backend's CPU
 * (every process: primary and workers) per acked heartbeat.
 *
 *   npm run bench -- mock-cluster                                  # 5,000 agents, 60 s, 1 round
 *   npm run bench -- mock-cluster --agents 2000 --duration 30 --rounds 2
 *
 * Flags: --agents N (5000) --duration S (60) --ramp R per s (500) --heartbeat S (5) --rounds K (1)
 * --variants single,workers-2[,workers-2-rr] (default single,workers-2).
 * The simulator runs as its own child process (`fleetwire-sim run --url …`), so the
 * backend's figures are its own. Prints the load average beside the figures.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockProcess, type MockProcess } from '../test-support/mock-process.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TICK_MS = 10; // USER_HZ is 100 on Linux: /proc/<pid>/stat times are in 10 ms ticks

interface Flags { agents: number; durationS: number; ramp: number; heartbeatS: number; rounds: number; variants: string[] }

/**
 * The variants: one process; --workers 2 as shipped (the workers accept from the shared
 * socket themselves, SCHED_NONE); --workers 2 with NODE_CLUSTER_SCHED_POLICY=rr (node:cluster's
 * default round-robin: the primary accepts every connection and passes it over IPC).
 */
const VARIANTS: Record<string, { args: string[]; env?: Record<string, string> }> = {
  single: { args: [] },
  'workers-2': { args: ['--workers', '2'] },
  'workers-2-rr': { args: ['--workers', '2'], env: { NODE_CLUSTER_SCHED_POLICY: 'rr' } },
};

function parseFlags(argv: string[]): Flags {
  const f: Flags = { agents: 5000, durationS: 60, ramp: 500, heartbeatS: 5, rounds: 1, variants: ['single', 'workers-2'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const raw = inline ?? argv[++i];
    if (name === '--variants') {
      f.variants = String(raw).split(',');
      for (const v of f.variants) if (!VARIANTS[v]) throw new Error(`--variants: unknown ${v} (${Object.keys(VARIANTS).join(', ')})`);
      continue;
    }
    const v = Number(raw);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
    if (name === '--agents') f.agents = Math.floor(v);
    else if (name === '--duration') f.durationS = v;
    else if (name === '--ramp') f.ramp = v;
    else if (name === '--heartbeat') f.heartbeatS = v;
    else if (name === '--rounds') f.rounds = Math.floor(v);
    else throw new Error(`unknown flag ${a} (see the header of bench/mock-cluster.ts)`);
  }
  return f;
}

interface ProcSample { pid: number; fds: number; rssMb: number; cpuMs: number }

async function sample(pid: number): Promise<ProcSample | null> {
  try {
    const fds = (await readdir(`/proc/${pid}/fd`)).length;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, fds, rssMb: rssKb / 1024, cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return null;
  }
}

interface Result {
  variant: string;
  connected: number;
  ackP50: number;
  ackP99: number;
  acked: number;
  procs: ProcSample[];
  cpuMsPerAck: number;
  load: string;
}

async function runSim(url: string, f: Flags, out: string): Promise<void> {
  const args = ['--conditions=source', '--import', 'tsx', 'packages/simulator/src/cli/main.ts', 'run', '--url', url, '--agents', String(f.agents), '--ramp', String(f.ramp), '--duration', `${f.durationS}s`, '--heartbeat-interval', `${f.heartbeatS}s`, '--out', out];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0 && code !== 1) throw new Error(`fleetwire-sim exited ${code}: ${err.slice(-2000)}`);
}

async function variant(name: string, f: Flags, dir: string): Promise<Result> {
  const { args: mockArgs, env = {} } = VARIANTS[name]!;
  const saved = { ...process.env };
  Object.assign(process.env, env); // the child is spawned with this environment
  let mock: MockProcess;
  try {
    mock = await startMockProcess(['--ephemeral', '--backlog', '4096', ...mockArgs]);
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  const pids = [mock.pid, ...mock.workers];
  try {
    const cpu0 = (await Promise.all(pids.map(sample))).reduce((s, p) => s + (p?.cpuMs ?? 0), 0);
    const out = join(dir, `${name}.json`);
    const sim = runSim(mock.fleetUrl, f, out);
    // The figures of a fleet at steady state: sampled 5 s before the simulator's end.
    await new Promise((r) => setTimeout(r, Math.max(1, f.durationS - 5) * 1000 + f.agents / f.ramp * 1000));
    const procs = (await Promise.all(pids.map(sample))).filter((p): p is ProcSample => p !== null);
    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    await sim;
    const cpu1 = (await Promise.all(pids.map(sample))).reduce((s, p) => s + (p?.cpuMs ?? 0), 0);
    const report = JSON.parse(await readFile(out, 'utf8')) as { counters: Record<string, number>; gauges: Record<string, number>; latency: Record<string, { p50: number; p99: number }> };
    const ackKey = Object.keys(report.latency).find((k) => /ack/i.test(k) && !/event|lifecycle/i.test(k)) ?? Object.keys(report.latency)[0]!;
    const acked = report.counters.heartbeats_acked ?? 0;
    return {
      variant: name,
      connected: report.gauges.connected ?? 0,
      ackP50: report.latency[ackKey]!.p50,
      ackP99: report.latency[ackKey]!.p99,
      acked,
      procs,
      cpuMsPerAck: acked ? (cpu1 - cpu0) / acked : NaN,
      load,
    };
  } finally {
    await mock.stop('SIGTERM');
  }
}

const f = parseFlags(process.argv.slice(2));
const dir = await mkdtemp(join(tmpdir(), 'fw-bench-cluster-'));
const results: Result[] = [];
try {
  for (let round = 0; round < f.rounds; round++) {
    // Interleaved, alternating which goes first, so a neighbour's load hits both alike.
    const order = [...f.variants];
    if (round % 2 === 1) order.reverse();
    for (const name of order) {
      const r = await variant(name, f, dir);
      results.push(r);
      console.error(`round ${round + 1} ${name}: connected ${r.connected}/${f.agents}, ack p50 ${r.ackP50.toFixed(1)} ms p99 ${r.ackP99.toFixed(1)} ms (load ${r.load})`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

console.log(`\nmock backend, one process vs --workers 2: ${f.agents} fleet agents, heartbeat ${f.heartbeatS} s, ${f.durationS} s per run, ramp ${f.ramp}/s, ${f.rounds} round(s)\n`);
console.log('| variant | round | connected | ack p50 ms | ack p99 ms | backend CPU ms / acked hb | processes: fds / RSS MB (primary first) | RSS total MB | load avg |');
console.log('|---|---:|---:|---:|---:|---:|---|---:|---|');
results.forEach((r, i) => {
  const procs = r.procs.map((p) => `${p.fds} / ${p.rssMb.toFixed(0)}`).join(', ');
  const rss = r.procs.reduce((s, p) => s + p.rssMb, 0);
  console.log(`| ${r.variant} | ${Math.floor(i / f.variants.length) + 1} | ${r.connected} | ${r.ackP50.toFixed(1)} | ${r.ackP99.toFixed(1)} | ${r.cpuMsPerAck.toFixed(3)} | ${procs} | ${rss.toFixed(0)} | ${r.load} |`);
});
const by = (v: string) => results.filter((r) => r.variant === v);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = by('single');
for (const v of f.variants.filter((x) => x !== 'single')) {
  const c = by(v);
  if (!s.length || !c.length) continue;
  console.log(
  `\nratios ${v} / single (medians): ack p50 ×${(med(c.map((r) => r.ackP50)) / med(s.map((r) => r.ackP50))).toFixed(2)}, ack p99 ×${(med(c.map((r) => r.ackP99)) / med(s.map((r) => r.ackP99))).toFixed(2)}, ` +
    `CPU/ack ×${(med(c.map((r) => r.cpuMsPerAck)) / med(s.map((r) => r.cpuMsPerAck))).toFixed(2)}, ` +
    `most fds in one process ×${(med(c.map((r) => Math.max(...r.procs.map((p) => p.fds)))) / med(s.map((r) => Math.max(...r.procs.map((p) => p.fds))))).toFixed(2)}, ` +
    `RSS total ×${(med(c.map((r) => r.procs.reduce((t, p) => t + p.rssMb, 0))) / med(s.map((r) => r.procs.reduce((t, p) => t + p.rssMb, 0)))).toFixed(2)}`,
  );
}
