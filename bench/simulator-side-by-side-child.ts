/**
 * One variant of bench/simulator-side-by-side.ts in its own process, so its CPU
 * (process.cpuUsage) and RSS are the variant's alone. Ramps N agents, lets the
 * heartbeats spread, then holds for HOLD seconds and sends back, over IPC:
 * CPU during the hold, acked heartbeats during the hold, peak RSS above the
 * baseline, ack latency percentiles of the hold, connected count, load average.
 *
 * Variants:
 *   raw   — a minimal hand-written socket.io-client agent: one io() per agent,
 *           Bearer header + handshake auth, a setInterval heartbeat with a
 *           precomputed payload, acks for the three commands. The yardstick.
 *   lean / socket.io-client — fleetwire-sim's FleetSlice (FleetAgent + host
 *           model + report) over the named transport.
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io, type Socket } from 'socket.io-client';
import { FleetPlan } from '../packages/simulator/src/model/fleet-plan.js';
import { C, H, Report } from '../packages/simulator/src/report/report.js';
import { FleetSlice } from '../packages/simulator/src/run/fleet-slice.js';
import { floorAgent, FloorTicker } from './sbs-floor-agent.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const [variant, url, nArg, holdArg, rampArg, hbArg] = process.argv.slice(2) as [string, string, string, string, string, string];
const N = Number(nArg);
const HOLD_MS = Number(holdArg) * 1000;
const RAMP = Number(rampArg);
const HB_MS = Number(hbArg);
const seed = 'side-by-side';
const plan = new FleetPlan({ seed, agents: N });
const NO_CHAOS = { disconnectRate: 0, flapShare: 0, flapPeriodMs: 10_000, slowAck: null, malformedShare: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const meta = (shard: string) => ({ dialect: 'fleet' as const, seed, fleetAgents: N, shards: [shard], startedAt: '', endedAt: '' });

/** What every variant exposes to the measuring loop. */
interface Fleet {
  connected(): number;
  acked(): number;
  report: Report;
  stop(): Promise<void>;
}

/** Same figures as fleetwire-sim's heartbeat of an 8-GPU host; computed once (the raw agent does no host model). */
const METRICS = { cpuTemp: 55.1, cpuUsagePercent: 12.5, gpuTemp: [40, 41, 42, 43, 44, 45, 46, 47], gpuUtilization: [90, 91, 92, 93, 0, 0, 0, 0], gpuMemoryUsedMb: [20000, 20000, 20000, 20000, 400, 400, 400, 400], ramUsageMb: 30000, ramTotalMb: 262144, diskUsageGb: 800.5, diskTotalGb: 2000, networkRxMbps: 80.1, networkTxMbps: 20.2 };

function rawAgent(i: number, report: Report, counts: { connected: number; acked: number }): Socket {
  const { key, nodeId } = plan.agent(i);
  const s = io(`${url}/fleet`, { transports: ['websocket'], forceNew: true, extraHeaders: { Authorization: `Bearer ${key}` }, auth: { token: key, nodeId } });
  let timer: ReturnType<typeof setInterval> | null = null;
  const beat = () => {
    const t0 = performance.now();
    s.emit('heartbeat', { nodeId, status: 'online', metrics: METRICS }, () => {
      counts.acked++;
      report.recordLatency(H.ack, performance.now() - t0);
    });
  };
  s.on('connect', () => {
    counts.connected++;
    beat();
    timer ??= setInterval(beat, HB_MS);
  });
  s.on('disconnect', () => {
    counts.connected--;
    if (timer) clearInterval(timer);
    timer = null;
  });
  for (const cmd of ['start_instance', 'stop_instance', 'drain_node']) s.on(cmd, (_p: unknown, ack?: (a: unknown) => void) => ack?.({ success: true }));
  return s;
}

/** The two yardsticks written here (raw socket.io-client, the no-library floor), ramped like FleetSlice. */
async function startHandWritten(n: number, kind: 'raw' | 'floor'): Promise<Fleet> {
  const floor = kind === 'floor';
  const report = new Report(meta(kind));
  const counts = { connected: 0, acked: 0 };
  const sockets: { disconnect(): void }[] = [];
  const payloadOf = (i: number) => JSON.stringify({ nodeId: plan.agent(i).nodeId, status: 'online', metrics: METRICS });
  const ticker = floor ? new FloorTicker(HB_MS) : null;
  const add = floor
    ? (i: number) => {
        const { key, nodeId } = plan.agent(i);
        const s = floorAgent(url, key, nodeId, payloadOf(i), ticker!, counts, (ms) => report.recordLatency(H.ack, ms));
        return { disconnect: () => s.destroy() };
      }
    : (i: number) => rawAgent(i, report, counts);
  // The same pacing as FleetSlice's ramp (10 ms ticks at the ramp rate).
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      const due = Math.min(n, Math.floor(((performance.now() - started) / 1000) * RAMP) + 1);
      while (sockets.length < due) sockets.push(add(sockets.length));
      if (sockets.length >= n) {
        clearInterval(t);
        resolve();
      }
    }, 10);
  });
  return {
    connected: () => counts.connected,
    acked: () => counts.acked,
    report,
    async stop() {
      ticker?.stop();
      for (const s of sockets) s.disconnect();
    },
  };
}

function startSim(n: number, transport: 'lean' | 'socket.io-client'): Fleet {
  const report = new Report(meta(transport));
  const slice = new FleetSlice({ url, plan, start: 0, end: n, rampPerSec: RAMP, heartbeatIntervalMs: HB_MS, chaos: NO_CHAOS, seed, report, transport });
  slice.start();
  return { connected: () => slice.connectedCount, acked: () => report.counter(C.heartbeatsAcked), report, stop: () => slice.stop() };
}

const start = (n: number) => (variant === 'raw' || variant === 'floor' ? startHandWritten(n, variant) : Promise.resolve(startSim(n, variant as 'lean' | 'socket.io-client')));

async function waitConnected(f: Fleet, n: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (f.connected() < n && Date.now() < deadline) await sleep(100);
}

// Baseline: the variant's code loaded and warm (one agent connected, acked, closed), after GC.
{
  const warm = await start(1);
  await waitConnected(warm, 1, 30_000);
  while (warm.acked() < 1) await sleep(50);
  await warm.stop();
  await sleep(300);
}
for (let i = 0; i < 3; i++) {
  gc();
  await sleep(100);
}
const baseRss = process.memoryUsage().rss;
let peakRss = baseRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 250);

const fleet = await start(N);
await waitConnected(fleet, N, Math.max(60_000, (N / RAMP) * 4000));
// One heartbeat period for the heartbeats to spread out after the ramp.
await sleep(HB_MS);
const ackAtHold = fleet.report.histogram(H.ack).clone();
const acked0 = fleet.acked();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const load0 = loadavg()[0]!;
await sleep(HOLD_MS);
const cpu = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
const acked = fleet.acked() - acked0;
const connected = fleet.connected();
peakRss = Math.max(peakRss, process.memoryUsage.rss());
clearInterval(sampler);
const hold = fleet.report.histogram(H.ack).clone();
hold.subtract(ackAtHold);
const result = {
  variant,
  agents: N,
  connected,
  acked,
  wallMs,
  cpuUs: cpu.user + cpu.system,
  userUs: cpu.user,
  systemUs: cpu.system,
  cpuUsPerAck: (cpu.user + cpu.system) / Math.max(1, acked),
  rssPerAgentB: (peakRss - baseRss) / N,
  p50: hold.percentileMs(50),
  p99: hold.percentileMs(99),
  load: [load0, loadavg()[0]!],
};
await fleet.stop();
process.send!(result);
process.disconnect();
setTimeout(() => process.exit(0), 500).unref();
