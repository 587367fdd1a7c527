/**
 * `npm run bench -- chaos`: a reconnect storm, measured. N fleet agents (this
 * process) run rentals against fleetwire-mock (a child process); the mock is
 * SIGKILLed K times, INTERVAL apart, and restarted on the same port at once.
 * Per restart it prints: seconds from the kill until 99 % and 100 % of the
 * agents are back, the peak connection attempts per second, the kernel's SYN
 * queue overflows over the restart (TcpExt ListenOverflows / ListenDrops from
 * /proc/net/netstat: box-wide counters, so other traffic on the box shows too),
 * and at the end the lifecycle facts emitted, acknowledged, lost and doubled.
 *
 *   npm run bench -- chaos                                   # 5,000 agents, 5 kills 40 s apart, backlog 4096
 *   npm run bench -- chaos --agents 1000 --kills 2 --interval 15
 *   npm run bench -- chaos --compare                         # the same run with --backlog 511 (Node's default) first
 *
 * Flags: --agents N (5000) --kills K (5) --interval S (40) --backlog N (mock default 4096)
 * --compare (also run with backlog 511 and print both) --rentals-per-sec R (20) --seed S.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manager } from 'socket.io-client';
import { FleetPlan } from '../packages/simulator/src/model/fleet-plan.js';
import { FleetSlice } from '../packages/simulator/src/run/fleet-slice.js';
import type { EmittedEvent } from '../packages/simulator/src/run/sim-agent.js';
import { Report } from '../packages/simulator/src/report/report.js';
import { startMockProcess, factKey, type MockProcess } from '../test-support/mock-process.js';
import { startCmd, pollUntil } from '../test-support/index.js';
import { synOverflows } from './netstat.js';

interface Flags {
  agents: number;
  kills: number;
  intervalS: number;
  backlog: number | null;
  compare: boolean;
  rentalsPerSec: number;
  seed: string;
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { agents: 5000, kills: 5, intervalS: 40, backlog: null, compare: false, rentalsPerSec: 20, seed: 'bench-chaos' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    const num = (min: number) => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < min) throw new Error(`${name} needs a number ≥ ${min}`);
      return v;
    };
    if (name === '--agents') f.agents = Math.floor(num(1));
    else if (name === '--kills') f.kills = Math.floor(num(1));
    else if (name === '--interval') f.intervalS = num(1);
    else if (name === '--backlog') f.backlog = Math.floor(num(1));
    else if (name === '--rentals-per-sec') f.rentalsPerSec = num(0);
    else if (name === '--seed') f.seed = String(value());
    else if (name === '--compare') f.compare = true;
    else throw new Error(`unknown flag ${a} (see the header of bench/chaos.ts)`);
  }
  return f;
}

// Every connection attempt of every agent opens a socket.io-client Manager: count them there, below the SDK.
let attempts = 0;
const open = Manager.prototype.open;
Manager.prototype.open = function (this: Manager, ...a: Parameters<typeof open>) {
  attempts++;
  return open.apply(this, a);
} as typeof open;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = pollUntil;

interface RestartFigures {
  restart: number;
  downMs: number;
  to99Ms: number | null;
  to100Ms: number | null;
  /** From the restarted mock's start line (listening again) to 100 % back. */
  upTo100Ms: number | null;
  peakAttemptsPerSec: number;
  attempts: number;
  overflows: number | null;
  drops: number | null;
}

interface RunFigures {
  backlog: string;
  restarts: RestartFigures[];
  emitted: number;
  acked: number;
  lost: number;
  doubled: number;
  reAcked: number;
}

async function runOnce(f: Flags, backlog: number | null): Promise<RunFigures> {
  const plan = new FleetPlan({ seed: f.seed, agents: f.agents, gpus: 4 });
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-chaos-'));
  const keysFile = join(dir, 'keys.txt');
  await writeFile(keysFile, Array.from({ length: f.agents }, (_, i) => plan.agent(i).key).join('\n'));
  const args = (port: number) => ['--keys', keysFile, '--ephemeral', '--fleet-port', String(port), ...(backlog ? ['--backlog', String(backlog)] : [])];
  let mock: MockProcess | null = await startMockProcess(args(0));
  const port = mock.fleetPort;
  const report = new Report({ dialect: 'fleet', seed: f.seed, fleetAgents: f.agents, shards: [`0-${f.agents}`], startedAt: new Date().toISOString(), endedAt: new Date().toISOString() });
  const events: EmittedEvent[] = [];
  const slice = new FleetSlice({
    url: mock.fleetUrl,
    plan,
    start: 0,
    end: f.agents,
    rampPerSec: 1000,
    heartbeatIntervalMs: 15_000,
    chaos: { disconnectRate: 0, flapShare: 0, flapPeriodMs: 10_000, slowAck: null, malformedShare: 0 },
    seed: f.seed,
    report,
    onEvent: (e) => events.push(e),
    lifecycle: { runFailureRate: 0.2, timeoutRate: 0.2, failAfterMs: [2000, 60_000], timeoutAfterMs: [5000, 60_000] },
  });
  slice.start();
  const delivered = new Map<string, number>();
  process.stdout.write(`  ramping ${f.agents} agents… `);
  await until(() => slice.agents.length === f.agents && slice.connectedCount === f.agents, 300_000);
  for (const a of slice.agents) a.agent.on('delivered', (event, payload) => {
    const k = factKey({ event, rentalId: payload.rentalId, containerId: payload.containerId });
    delivered.set(k, (delivered.get(k) ?? 0) + 1);
  });
  console.log(`connected (${slice.connectedCount})`);

  // Rentals through the admin API, round-robin, while the backend is up.
  const nodeIds = slice.agents.map((a) => a.identity.nodeId);
  let renting = true;
  let n = 0;
  const renter = (async () => {
    while (renting) {
      const m = mock;
      if (m && f.rentalsPerSec > 0) void m.post(`/api/nodes/${nodeIds[n % nodeIds.length]}/start_instance`, startCmd(`bench-r${n}`)).catch(() => null);
      n++;
      await sleep(f.rentalsPerSec > 0 ? 1000 / f.rentalsPerSec : 500);
    }
  })();

  const restarts: RestartFigures[] = [];
  for (let k = 1; k <= f.kills; k++) {
    await sleep(f.intervalS * 1000);
    const before = await synOverflows();
    const a0 = attempts;
    let peak = 0;
    let last = attempts;
    const sampler = setInterval(() => {
      peak = Math.max(peak, (attempts - last) * 4);
      last = attempts;
    }, 250);
    const tKill = performance.now();
    const m = mock!;
    mock = null;
    await m.stop('SIGKILL');
    mock = await startMockProcess(args(port));
    const downMs = performance.now() - tKill; // kill → the new process listening (its start line)
    await until(() => slice.connectedCount < f.agents * 0.99 || performance.now() - tKill > 5000, 10_000); // the agents noticed
    const ok99 = await until(() => slice.connectedCount >= Math.ceil(f.agents * 0.99), 180_000);
    const to99 = ok99 ? performance.now() - tKill : null;
    const ok100 = ok99 && (await until(() => slice.connectedCount === f.agents, 180_000));
    const to100 = ok100 ? performance.now() - tKill : null;
    clearInterval(sampler);
    const after = await synOverflows();
    const r: RestartFigures = {
      restart: k,
      downMs,
      to99Ms: to99,
      to100Ms: to100,
      upTo100Ms: to100 === null ? null : to100 - downMs,
      peakAttemptsPerSec: peak,
      attempts: attempts - a0,
      overflows: before && after ? after.overflows - before.overflows : null,
      drops: before && after ? after.drops - before.drops : null,
    };
    restarts.push(r);
    console.log(`  kill ${k}: down ${(downMs / 1000).toFixed(1)} s, 99 % back ${fmtS(to99)}, 100 % ${fmtS(to100)} (${fmtS(r.upTo100Ms)} after it listened), ${r.attempts} attempts (peak ${peak}/s), SYN overflows ${r.overflows ?? 'n/a'}, drops ${r.drops ?? 'n/a'}`);
  }
  renting = false;
  await renter;
  // Quiet: every emitted event acked (or given up on after 60 s).
  await until(() => slice.agents.every((a) => a.agent.pendingEvents.length === 0), 60_000);
  const emittedKeys = new Set(events.map(factKey));
  const lost = [...emittedKeys].filter((k) => !delivered.has(k)).length;
  // Doubled: a fact the agents emitted twice, or a rental that ended twice (two different stop facts).
  // An ack for a re-report of a running rental (same rentalId + containerId after a reconnect) is the
  // same fact by design, counted apart as `re-acked`.
  const stops = new Map<string, Set<string>>();
  for (const e of events) if (e.event === 'instance_stopped') (stops.get(e.rentalId) ?? stops.set(e.rentalId, new Set()).get(e.rentalId)!).add(factKey(e));
  const doubled = events.length - emittedKeys.size + [...stops.values()].filter((s) => s.size > 1).length;
  const reAcked = [...delivered.values()].reduce((n, c) => n + c - 1, 0);
  await slice.stop();
  await mock?.stop('SIGTERM');
  await rm(dir, { recursive: true, force: true });
  return { backlog: backlog ? String(backlog) : '4096 (default)', restarts, emitted: events.length, acked: delivered.size, lost, doubled, reAcked };
}

const fmtS = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

function table(runs: RunFigures[]): string {
  const rows = ['| backlog | kill | down (kill → listening) | 99 % back | 100 % back | 100 % after listening | attempts | peak attempts/s | SYN overflows | listen drops |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of runs) {
    for (const x of r.restarts) {
      rows.push(`| ${r.backlog} | ${x.restart} | ${fmtS(x.downMs)} | ${fmtS(x.to99Ms)} | ${fmtS(x.to100Ms)} | ${fmtS(x.upTo100Ms)} | ${x.attempts} | ${x.peakAttemptsPerSec} | ${x.overflows ?? 'n/a'} | ${x.drops ?? 'n/a'} |`);
    }
  }
  rows.push('', '| backlog | facts emitted | acked | lost | doubled | re-acked (re-reports after reconnect) |', '|---|---:|---:|---:|---:|---:|');
  for (const r of runs) rows.push(`| ${r.backlog} | ${r.emitted} | ${r.acked} | ${r.lost} | ${r.doubled} | ${r.reAcked} |`);
  return rows.join('\n');
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2));
  const somaxconn = await readFile('/proc/sys/net/core/somaxconn', 'utf8').then((t) => t.trim(), () => 'unreadable');
  console.log(`chaos: ${f.agents} agents, ${f.kills} SIGKILLs ${f.intervalS} s apart, somaxconn ${somaxconn}, node ${process.version}`);
  const runs: RunFigures[] = [];
  if (f.compare) {
    console.log('run 1: --backlog 511 (Node’s default)');
    runs.push(await runOnce(f, 511));
    console.log(`run 2: --backlog ${f.backlog ?? '4096 (the mock default)'}`);
  }
  runs.push(await runOnce(f, f.backlog));
  console.log(`\n${table(runs)}`);
  process.exit(0);
}

main().catch((err) => {
  console.error(`bench chaos: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
