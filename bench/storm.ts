/**
 * `npm run bench -- storm`: the reconnect storm a control-plane deploy causes,
 * with fleetwire-sim's agents and with raw socket.io-client agents, on the same
 * fleet against the same mock. Per variant: N agents connect to fleetwire-mock
 * (a child process), settle, then the mock is SIGKILLed and started again on
 * the same port at once; the bench measures, from the kill, the time until 99 %
 * and 100 % of the agents were re-admitted (their /fleet connection accepted
 * again, not a TCP connect), the reconnect attempts per second (peak) and in
 * total, the failed attempts, and the kernel's listen-queue overflows.
 *
 * - fleetwire-sim: FleetSlice agents (the SDK's FleetAgent over the simulator's
 *   transport): full-jitter exponential backoff (1 s first ceiling, ×2, 30 s cap,
 *   counter reset after 5 s up), first connections paced by the RampGate.
 * - raw socket.io-client: `io(url + '/fleet')` with socket.io-client's default
 *   reconnect (reconnectionDelay 1000, reconnectionDelayMax 5000,
 *   randomizationFactor 0.5, unlimited attempts): what a hand-written agent
 *   following fleet.md ("Socket.IO handles automatic reconnection") gets.
 *
 * Both measure with the same StormBook the simulator's `--scenario storm` uses.
 * The agents run in child processes of ≤ 15,000 each (bench/storm-child.ts; a
 * process holds 20,000 open files here); above 15,000 agents the mock runs as a
 * cluster (`fleetwire-mock --workers N`, one worker per agent process) and
 * past ~12,000 both variants bind the simulator's source pairs (127.0.0.2, …,
 * ports below the ephemeral range: src/run/source-addresses.ts), raw
 * socket.io-client through its `agent` option. A restart
 * SIGKILLs the mock's primary and its workers together.
 *
 *   npm run bench -- storm                        # 5,000 agents, both variants
 *   npm run bench -- storm --agents 15000
 *   npm run bench -- storm --agents 50000         # agents over 4 processes, mock --workers 4, source pairs on 127.0.0.2…
 *   npm run bench -- storm --only raw --agents 1000
 *
 *   npm run bench -- storm --mode partition       # the mock stays up; every socket dropped at once from the agent side
 *
 * Flags: --agents N (5000) --mode restart|partition (restart) --ramp R (1000/s) --settle S (5) --watch S (120: give up waiting for 100 % after this)
 * --heartbeat S (15) --only sim|raw --seed S --per-process N (15000: agents per process, and mock workers = processes when > 1)
 * --reconnect-initial S (fleetwire-sim's first backoff ceiling in seconds, as `fleetwire-sim run --reconnect-initial`; default the SDK's 1 s).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetPlan } from '../packages/simulator/src/model/fleet-plan.js';
import { mergeStorms, stormFigures, type StormFigures, type StormJSON } from '../packages/simulator/src/report/storm.js';
import { chooseSourcePairs } from '../packages/simulator/src/run/source-addresses.js';
import { pollUntil, processAlive } from '../test-support/index.js';
import { startMockProcess, type MockProcess } from '../test-support/mock-process.js';
import type { Variant } from './_storm-fleets.js';
import type { FromChild, ToChild } from './storm-child.js';
import { synOverflows } from './netstat.js';


interface Flags {
  agents: number;
  ramp: number;
  settleS: number;
  watchS: number;
  heartbeatS: number;
  only: Variant | null;
  seed: string;
  mode: 'restart' | 'partition';
  /** Agents per child process (a process holds 20,000 open files here); also the mock's workers: one per agent process. */
  perProcess: number;
  /** fleetwire-sim's first backoff ceiling, ms (`--reconnect-initial`); null: the SDK's 1 s. */
  reconnectInitialMs: number | null;
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { agents: 5000, ramp: 1000, settleS: 5, watchS: 120, heartbeatS: 15, only: null, seed: 'bench-storm', mode: 'restart', perProcess: 15_000, reconnectInitialMs: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    const num = (min: number, max = Infinity) => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${name} needs a number from ${min} to ${max}`);
      return v;
    };
    if (name === '--agents') f.agents = Math.floor(num(1, 100_000));
    else if (name === '--ramp') f.ramp = num(1);
    else if (name === '--settle') f.settleS = num(0, 600);
    else if (name === '--watch') f.watchS = num(1, 600);
    else if (name === '--heartbeat') f.heartbeatS = num(1, 3600);
    else if (name === '--seed') f.seed = String(value());
    else if (name === '--per-process') f.perProcess = Math.floor(num(1, 18_000));
    else if (name === '--reconnect-initial') f.reconnectInitialMs = num(0.001, 600) * 1000;
    else if (name === '--mode') {
      const v = value();
      if (v !== 'restart' && v !== 'partition') throw new Error('--mode needs restart or partition');
      f.mode = v;
    } else if (name === '--only') {
      const v = value();
      if (v !== 'sim' && v !== 'raw') throw new Error('--only needs sim or raw');
      f.only = v;
    } else throw new Error(`unknown flag ${a} (see the header of bench/storm.ts)`);
  }
  return f;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = pollUntil;

/** Direct children of `pid` (the cluster's workers), from /proc. */
async function childPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const d of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(d)) continue;
    const stat = await readFile(`/proc/${d}/stat`, 'utf8').catch(() => '');
    // Field 4 (after the parenthesised name, which may contain spaces) is the parent pid.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(d));
  }
  return out;
}

/** The agent processes of one variant, as one fleet. */
class Slices {
  private readonly counts: number[];
  private readonly children: ChildProcess[] = [];
  constructor(variant: Variant, url: string, f: Flags, procs: number) {
    this.counts = new Array<number>(procs).fill(0);
    const file = fileURLToPath(new URL('./storm-child.ts', import.meta.url));
    // The simulator's own choice for this many connections (source-addresses.ts), for both variants alike.
    const sources = chooseSourcePairs(f.agents, url).pairs;
    for (let k = 0; k < procs; k++) {
      const start = Math.floor((k * f.agents) / procs);
      const end = Math.floor(((k + 1) * f.agents) / procs);
      const child = fork(file, [], { execArgv: ['--conditions=source', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (m: FromChild) => {
        if (m.type === 'connected') this.counts[k] = m.n;
      });
      this.send(child, { type: 'start', spec: { variant, url, seed: f.seed, agents: f.agents, start, end, ramp: f.ramp / procs, heartbeatS: f.heartbeatS, sources, reconnectInitialMs: f.reconnectInitialMs } });
      this.children.push(child);
    }
  }
  private send(c: ChildProcess, m: ToChild): void {
    if (c.connected) c.send(m);
  }
  connected(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }
  storm(drop: boolean, mode: Flags['mode'], t0: number): void {
    const storm = { index: 1, mode, wallMs: Date.now(), atMs: performance.now() - t0, drop };
    for (const c of this.children) this.send(c, { type: 'storm', storm });
  }
  /** Ends the watch in every process; their storm records merged (bins add). */
  async finish(): Promise<StormJSON> {
    const lists = await Promise.all(
      this.children.map(
        (c) =>
          new Promise<StormJSON[]>((resolve) => {
            const on = (m: FromChild) => {
              if (m.type !== 'storms') return;
              c.off('message', on);
              resolve(m.storms as StormJSON[]);
            };
            c.on('message', on);
            this.send(c, { type: 'finish' });
          }),
      ),
    );
    return mergeStorms(lists)[0]!;
  }
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            this.send(c, { type: 'stop' });
            setTimeout(() => c.kill('SIGKILL'), 30_000).unref();
          }),
      ),
    );
  }
}

interface Figures extends StormFigures {
  variant: Variant;
  agents: number;
  rampS: number;
  overflows: number | null;
  drops: number | null;
  load: string;
  /** Mean attempts per second while the control plane was down (restart; the whole watch for a partition, which has no down time). */
  downRate: number;
}

async function runOnce(variant: Variant, f: Flags): Promise<Figures> {
  const plan = new FleetPlan({ seed: f.seed, agents: f.agents, gpus: 4 });
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-storm-'));
  const keysFile = join(dir, 'keys.txt');
  await writeFile(keysFile, Array.from({ length: f.agents }, (_, i) => plan.agent(i).key).join('\n'));
  const procs = Math.ceil(f.agents / f.perProcess);
  const workers = procs > 1 ? ['--workers', String(procs)] : [];
  const args = (port: number) => ['--keys', keysFile, '--ephemeral', '--fleet-port', String(port), ...workers];
  let mock: MockProcess = await startMockProcess(args(0));
  const port = mock.fleetPort;
  const t0 = performance.now();
  const fleet = new Slices(variant, mock.fleetUrl, f, procs);
  try {
    process.stdout.write(`  ${variant}: ramping ${f.agents} agents in ${procs} process(es)${workers.length ? `, mock --workers ${procs}` : ''}… `);
    if (!(await until(() => fleet.connected() === f.agents, 180_000))) throw new Error(`only ${fleet.connected()} of ${f.agents} connected after 180 s`);
    const rampS = (performance.now() - t0) / 1000;
    console.log(`connected in ${rampS.toFixed(1)} s; settling ${f.settleS} s`);
    await sleep(f.settleS * 1000);

    const before = await synOverflows();
    const partition = f.mode === 'partition';
    const victims = partition ? [] : [mock.pid, ...(await childPids(mock.pid))];
    fleet.storm(partition, f.mode, t0);
    const tKill = performance.now();
    let downMs = 0;
    if (!partition) {
      // The primary and its workers die together, as when the machine or container goes.
      for (const pid of victims.slice(1)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await mock.stop('SIGKILL');
      await until(() => victims.slice(1).every((pid) => !processAlive(pid)), 10_000);
      mock = await startMockProcess(args(port));
      downMs = performance.now() - tKill;
    }
    // The children report every 200 ms, so right after a partition their counts are still the old ones:
    // first see the fleet down, then wait for all back, then a second more for stragglers' attempts and relapses.
    await until(() => fleet.connected() < f.agents, 10_000);
    await until(() => fleet.connected() === f.agents, f.watchS * 1000);
    await sleep(1000);
    const storm = await fleet.finish();
    const after = await synOverflows();
    storm.downMs = Math.round(downMs);
    console.log(`  ${variant}: attempts per second from the storm: ${storm.attempts.join(' ')}`);
    return {
      ...stormFigures(storm),
      variant,
      agents: f.agents,
      rampS,
      overflows: before && after ? after.overflows - before.overflows : null,
      drops: before && after ? after.drops - before.drops : null,
      load: loadavg().map((x) => x.toFixed(2)).join(' '),
      downRate: downMs > 1000 ? Math.round(storm.attempts.slice(0, Math.floor(downMs / 1000)).reduce((a, b) => a + b, 0) / Math.floor(downMs / 1000)) : 0,
    };
  } finally {
    await fleet.stop();
    await mock.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

const s1 = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
const NAMES: Record<Variant, string> = { sim: 'fleetwire-sim (full jitter, RampGate)', raw: 'raw socket.io-client (default reconnect)' };

function table(rows: Figures[]): string {
  const out = [
    '| agents | storm | agents are | down (kill → listening) | 99 % back | 100 % back | 100 % after listening | attempts | peak attempts/s | mean attempts/s while down | failed attempts | SYN overflows | listen drops | load avg (1 5 15) |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.agents} | ${r.mode} | ${NAMES[r.variant]} | ${s1(r.downMs)} | ${s1(r.to99Ms)} | ${s1(r.to100Ms)} | ${s1(r.to100Ms === null ? null : r.to100Ms - r.downMs)} | ${r.attempts} | ${r.peakAttemptsPerSec} | ${r.downRate || 'n/a'} | ${r.failedAttempts} | ${r.overflows ?? 'n/a'} | ${r.drops ?? 'n/a'} | ${r.load} |`,
    );
  }
  const sim = rows.find((r) => r.variant === 'sim');
  const raw = rows.find((r) => r.variant === 'raw');
  if (sim && raw) {
    const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);
    out.push('', `fleetwire-sim ÷ raw socket.io-client: 99 % back ${ratio(sim.to99Ms, raw.to99Ms)}, 100 % back ${ratio(sim.to100Ms, raw.to100Ms)}, peak attempts/s ${ratio(sim.peakAttemptsPerSec, raw.peakAttemptsPerSec)}, attempts ${ratio(sim.attempts, raw.attempts)}`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const somaxconn = await readFile('/proc/sys/net/core/somaxconn', 'utf8').then((t) => t.trim(), () => 'unreadable');
  const how = f.mode === 'restart' ? 'mock SIGKILLed and restarted on its port once' : 'every agent\'s socket dropped at once from the agent side (partition)';
  console.log(`storm: ${f.agents} agents, ramp ${f.ramp}/s, heartbeat ${f.heartbeatS} s, ${how}, somaxconn ${somaxconn}, node ${process.version}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (f.reconnectInitialMs !== null) NAMES.sim = `fleetwire-sim (full jitter from ${f.reconnectInitialMs / 1000} s, RampGate)`;
  const rows: Figures[] = [];
  // Raw first, then the simulator: each against a fresh mock, in this one run.
  for (const v of ['raw', 'sim'] as const) {
    if (f.only && f.only !== v) continue;
    const r = await runOnce(v, f);
    console.log(`  ${v}: down ${s1(r.downMs)}, 99 % back ${s1(r.to99Ms)}, 100 % ${s1(r.to100Ms)}, ${r.attempts} attempts (peak ${r.peakAttemptsPerSec}/s, ${r.failedAttempts} failed)`);
    rows.push(r);
  }
  console.log(`\n${table(rows)}`);
  process.exit(0);
}

main().catch((err) => {
  console.error(`bench storm: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
