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
 *
 *   npm run bench -- storm                        # 5,000 agents, both variants
 *   npm run bench -- storm --agents 15000         # the most one process holds here (20,000 open files)
 *   npm run bench -- storm --only raw --agents 1000
 *
 *   npm run bench -- storm --mode partition       # the mock stays up; every socket dropped at once from the agent side
 *
 * Flags: --agents N (5000) --mode restart|partition (restart) --ramp R (1000/s) --settle S (5) --watch S (120: give up waiting for 100 % after this)
 * --heartbeat S (15) --only sim|raw --seed S.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { FleetPlan } from '../packages/simulator/src/model/fleet-plan.js';
import { FleetSlice } from '../packages/simulator/src/run/fleet-slice.js';
import { StormBook } from '../packages/simulator/src/run/storm-book.js';
import { Report } from '../packages/simulator/src/report/report.js';
import { stormFigures, type StormFigures } from '../packages/simulator/src/report/storm.js';
import { startMockProcess, type MockProcess } from '../test-support/mock-process.js';
import { sampleMetrics } from '../test-support/index.js';
import { synOverflows } from './netstat.js';

type Variant = 'sim' | 'raw';

interface Flags {
  agents: number;
  ramp: number;
  settleS: number;
  watchS: number;
  heartbeatS: number;
  only: Variant | null;
  seed: string;
  mode: 'restart' | 'partition';
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { agents: 5000, ramp: 1000, settleS: 5, watchS: 120, heartbeatS: 15, only: null, seed: 'bench-storm', mode: 'restart' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    const num = (min: number, max = Infinity) => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${name} needs a number from ${min} to ${max}`);
      return v;
    };
    if (name === '--agents') f.agents = Math.floor(num(1, 19_000));
    else if (name === '--ramp') f.ramp = num(1);
    else if (name === '--settle') f.settleS = num(0, 600);
    else if (name === '--watch') f.watchS = num(1, 600);
    else if (name === '--heartbeat') f.heartbeatS = num(1, 3600);
    else if (name === '--seed') f.seed = String(value());
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
const until = async (cond: () => boolean, timeoutMs: number): Promise<boolean> => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
};

/** What both variants look like to the storm driver. */
interface Fleet {
  connected(): number;
  /** The storm's bookkeeping (re-admissions, attempts). */
  book: StormBook;
  report: Report;
  /** Drops every agent's connection from the agent side, at once (partition). */
  dropAll(): void;
  stop(): Promise<void>;
}

function simFleet(plan: FleetPlan, url: string, f: Flags): Fleet {
  const report = new Report({ dialect: 'fleet', seed: f.seed, fleetAgents: f.agents, shards: ['0/1'], startedAt: new Date().toISOString(), endedAt: new Date().toISOString() });
  const slice = new FleetSlice({
    url,
    plan,
    start: 0,
    end: f.agents,
    rampPerSec: f.ramp,
    heartbeatIntervalMs: f.heartbeatS * 1000,
    chaos: { disconnectRate: 0, flapShare: 0, flapPeriodMs: 10_000, slowAck: null, malformedShare: 0 },
    seed: f.seed,
    report,
    storms: true,
  });
  slice.start();
  return {
    connected: () => slice.connectedCount,
    book: slice.stormBook!,
    report,
    dropAll: () => {
      for (const a of slice.agents) a.drop();
    },
    stop: () => slice.stop(),
  };
}

/**
 * Raw socket.io-client agents: the default reconnect, a heartbeat on every
 * connect and every `heartbeatS` (acked), listening for the commands. The
 * first connections go at the same ramp as the simulator's.
 */
function rawFleet(plan: FleetPlan, url: string, f: Flags): Fleet {
  const report = new Report({ dialect: 'fleet', seed: f.seed, fleetAgents: f.agents, shards: ['0/1'], startedAt: new Date().toISOString(), endedAt: new Date().toISOString() });
  const book = new StormBook(report);
  const sockets: Socket[] = [];
  const epochs = new Int32Array(f.agents);
  let connected = 0;
  const metrics = sampleMetrics();
  const add = (i: number) => {
    const { key, nodeId } = plan.agent(i);
    const s = io(`${url}/fleet`, {
      transports: ['websocket'],
      forceNew: true,
      // socket.io-client's defaults, spelled out: this is the baseline being measured.
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5,
      extraHeaders: { Authorization: `Bearer ${key}` },
      auth: { token: key, nodeId },
    });
    const hb = { nodeId, status: 'online', metrics };
    s.on('connect', () => {
      connected++;
      epochs[i] = book.up();
      s.emit('heartbeat', hb, () => undefined);
    });
    s.on('disconnect', () => {
      connected--;
      book.down(epochs[i]!);
    });
    s.io.on('reconnect_attempt', () => book.attempt(0));
    s.io.on('reconnect_error', () => book.failed());
    for (const e of ['start_instance', 'stop_instance', 'drain_node']) s.on(e, (_p: unknown, ack?: (r: unknown) => void) => ack?.({ ok: false }));
    sockets.push(s);
  };
  let next = 0;
  const perTick = Math.max(1, Math.round(f.ramp / 100));
  const ramp = setInterval(() => {
    for (let k = 0; k < perTick && next < f.agents; k++) add(next++);
    if (next >= f.agents) clearInterval(ramp);
  }, 10);
  // One timer for every heartbeat (not one per agent), spreading them over the interval.
  let hbAt = 0;
  const hbTimer = setInterval(() => {
    const n = Math.ceil(sockets.length / (f.heartbeatS * 10));
    for (let k = 0; k < n && sockets.length > 0; k++) {
      const s = sockets[hbAt++ % sockets.length]!;
      if (s.connected) s.emit('heartbeat', { nodeId: (s.auth as { nodeId: string }).nodeId, status: 'online', metrics }, () => undefined);
    }
  }, 100);
  return {
    connected: () => connected,
    book,
    report,
    dropAll() {
      // The engine's close is the path a network failure takes: socket.io-client then reconnects by its policy.
      for (const s of sockets) if (s.connected) s.io.engine.close();
    },
    async stop() {
      clearInterval(ramp);
      clearInterval(hbTimer);
      for (const s of sockets) s.close();
      await sleep(50);
    },
  };
}

interface Figures extends StormFigures {
  variant: Variant;
  agents: number;
  rampS: number;
  overflows: number | null;
  drops: number | null;
  load: string;
}

async function runOnce(variant: Variant, f: Flags): Promise<Figures> {
  const plan = new FleetPlan({ seed: f.seed, agents: f.agents, gpus: 4 });
  const dir = await mkdtemp(join(tmpdir(), 'fw-bench-storm-'));
  const keysFile = join(dir, 'keys.txt');
  await writeFile(keysFile, Array.from({ length: f.agents }, (_, i) => plan.agent(i).key).join('\n'));
  const args = (port: number) => ['--keys', keysFile, '--ephemeral', '--fleet-port', String(port)];
  let mock: MockProcess = await startMockProcess(args(0));
  const port = mock.fleetPort;
  const t0 = performance.now();
  const fleet = variant === 'sim' ? simFleet(plan, mock.fleetUrl, f) : rawFleet(plan, mock.fleetUrl, f);
  try {
    process.stdout.write(`  ${variant}: ramping ${f.agents} agents… `);
    if (!(await until(() => fleet.connected() === f.agents, 180_000))) throw new Error(`only ${fleet.connected()} of ${f.agents} connected after 180 s`);
    const rampS = (performance.now() - t0) / 1000;
    console.log(`connected in ${rampS.toFixed(1)} s; settling ${f.settleS} s`);
    await sleep(f.settleS * 1000);

    const before = await synOverflows();
    fleet.book.begin({ index: 1, mode: f.mode, wallMs: Date.now(), atMs: performance.now() - t0, drop: f.mode === 'partition' }, f.agents, fleet.connected());
    const tKill = performance.now();
    let downMs = 0;
    if (f.mode === 'partition') fleet.dropAll();
    else {
      await mock.stop('SIGKILL');
      mock = await startMockProcess(args(port));
      downMs = performance.now() - tKill;
    }
    await until(() => fleet.connected() === f.agents && performance.now() - tKill > downMs + 100, f.watchS * 1000);
    await sleep(1000); // the last second's attempts and any relapse
    fleet.book.finish();
    const after = await synOverflows();
    const storm = fleet.report.storms[0]!;
    storm.downMs = Math.round(downMs);
    return {
      ...stormFigures(storm),
      variant,
      agents: f.agents,
      rampS,
      overflows: before && after ? after.overflows - before.overflows : null,
      drops: before && after ? after.drops - before.drops : null,
      load: loadavg().map((x) => x.toFixed(2)).join(' '),
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
    '| agents | storm | agents are | down (kill → listening) | 99 % back | 100 % back | 100 % after listening | attempts | peak attempts/s | failed attempts | SYN overflows | listen drops | load avg (1 5 15) |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.agents} | ${r.mode} | ${NAMES[r.variant]} | ${s1(r.downMs)} | ${s1(r.to99Ms)} | ${s1(r.to100Ms)} | ${s1(r.to100Ms === null ? null : r.to100Ms - r.downMs)} | ${r.attempts} | ${r.peakAttemptsPerSec} | ${r.failedAttempts} | ${r.overflows ?? 'n/a'} | ${r.drops ?? 'n/a'} | ${r.load} |`,
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
  const rows: Figures[] = [];
  // Raw first, then the simulator: each against a fresh mock, in this one run.
  for (const v of ['raw', 'sim'] as const) {
    if (f.only && f.only !== v) continue;
    const r = await runOnce(v, f);
    console.log(`  ${v}: down ${s1(r.downMs)}, 99 % back ${s1(r.to99Ms)}, 100 % ${s1(r.to100Ms)}, ${r.attempts} attempts (peak ${r.peakAttemptsPerSec}/s, ${r.failedAttempts} failed)`);
    rows.push(r);
    (globalThis as { gc?: () => void }).gc?.();
  }
  console.log(`\n${table(rows)}`);
  process.exit(0);
}

main().catch((err) => {
  console.error(`bench storm: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
