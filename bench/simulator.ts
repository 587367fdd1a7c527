/**
 * fleetwire-sim at scale (issue 5). Not a test: prints figures.
 *
 * 1. 10,000 fleet agents (BENCH_SIM_AGENTS) in this process, 5 s heartbeats,
 *    against the mock backend in a SEPARATE process (open files: ~20,000 per
 *    process here, and an in-process backend would double the sockets).
 *    Prints RSS per agent above the process baseline (target ≤ 40 KB), the
 *    ramp rate achieved and the heartbeat ack p99 (target < 100 ms).
 * 2. Throughput: 50 clients heartbeating as fast as acks return, simulator
 *    agents vs raw socket.io-client clients, alternating rounds in this run;
 *    the ratio of acked heartbeats/s (target ≥ 0.85×).
 *
 *   node --conditions=source --import tsx bench/simulator.ts      (~2 min)
 *   BENCH_SIM_AGENTS=2000 BENCH_SIM_STEADY_S=10 … for a quick look
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io as rawIo, type Socket } from 'socket.io-client';
import { FleetPlan } from '../packages/simulator/src/model/fleet-plan.js';
import { C, H, Report } from '../packages/simulator/src/report/report.js';
import { startEmbedded } from '../packages/simulator/src/run/embedded.js';
import { FleetSlice } from '../packages/simulator/src/run/fleet-slice.js';
import { SimAgent } from '../packages/simulator/src/run/sim-agent.js';
import { createSharedScheduler } from '@fleetwire/sdk';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const N = Number(process.env.BENCH_SIM_AGENTS ?? 10_000);
const RAMP = Number(process.env.BENCH_SIM_RAMP ?? 1000);
const STEADY_S = Number(process.env.BENCH_SIM_STEADY_S ?? 30);
const TP_CLIENTS = 50;
const TP_ROUNDS = Number(process.env.BENCH_SIM_ROUNDS ?? 3);
const TP_SECONDS = Number(process.env.BENCH_SIM_SECONDS ?? 4);
const NO_CHAOS = { disconnectRate: 0, flapShare: 0, flapPeriodMs: 10_000, slowAck: null, malformedShare: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
  return process.memoryUsage().rss;
};
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

const seed = 'bench';
const plan = new FleetPlan({ seed, agents: N });
const ids = plan.slice();
const backend = await startEmbedded({ keys: ids.map((a) => a.key), nodeIds: ids.map((a) => a.nodeId), rentalsPerMinute: 0, seed, where: 'child' });
console.log(`mock backend in a child process (pid ${backend.pid}) at ${backend.url}`);

// Baseline: modules loaded and one agent made and closed, so code and JIT are not counted per agent.
{
  const r = new Report({ dialect: 'fleet', seed, fleetAgents: N, shards: ['warm'], startedAt: '', endedAt: '' });
  const warm = new FleetSlice({ url: backend.url, plan, start: 0, end: 1, rampPerSec: 1000, heartbeatIntervalMs: 5000, chaos: NO_CHAOS, seed, report: r });
  warm.start();
  await warm.allConnected;
  await sleep(200);
  await warm.stop();
}
const base = await settle();

const report = new Report({ dialect: 'fleet', seed, fleetAgents: N, shards: ['0/1'], startedAt: new Date().toISOString(), endedAt: '' });
const slice = new FleetSlice({ url: backend.url, plan, start: 0, end: N, rampPerSec: RAMP, heartbeatIntervalMs: 5000, chaos: NO_CHAOS, seed, report });
const t0 = performance.now();
slice.start();
const progress = setInterval(() => process.stdout.write(`  ramp: ${slice.connectedCount}/${N} connected\r`), 1000);
await Promise.race([slice.allConnected, sleep(Math.max(60_000, (N / RAMP) * 3000))]);
clearInterval(progress);
const rampMs = slice.rampMs ?? performance.now() - t0;
console.log(`\nramp: ${slice.connectedCount}/${N} in ${(rampMs / 1000).toFixed(1)} s → ${Math.round((N * 1000) / rampMs)} connections/s (asked ${RAMP}/s)`);
const acksAtRamp = report.counter(C.heartbeatsAcked);
const steadyStart = report.histogram(H.ack).count;
const ackAtRamp = report.histogram(H.ack).clone();
await sleep(STEADY_S * 1000);
const rss = await settle();
const perAgent = (rss - base) / N;
const ackHist = report.histogram(H.ack);
console.log(
  `steady ${STEADY_S} s: connected ${slice.connectedCount}/${N}, acked ${report.counter(C.heartbeatsAcked) - acksAtRamp} heartbeats ` +
    `(${((report.counter(C.heartbeatsAcked) - acksAtRamp) / STEADY_S).toFixed(0)}/s), reconnects ${report.counter(C.reconnects)}, errors ${report.counter(C.errors)}`,
);
const steadyHist = ackHist.clone();
steadyHist.subtract(ackAtRamp);
console.log(`ack latency, steady state (n=${steadyHist.count}): p50 ${steadyHist.percentileMs(50).toFixed(2)} ms, p99 ${steadyHist.percentileMs(99).toFixed(2)} ms, max ${steadyHist.maxMs.toFixed(1)} ms  (target p99 < 100 ms)`);
console.log(`ack latency over the run (ramp included, n=${ackHist.count}, ${steadyStart} during the ramp): p50 ${ackHist.percentileMs(50).toFixed(2)} ms, p99 ${ackHist.percentileMs(99).toFixed(2)} ms, max ${ackHist.maxMs.toFixed(1)} ms`);
console.log(`RSS: baseline ${(base / 1048576).toFixed(1)} MB, with ${N} agents ${(rss / 1048576).toFixed(1)} MB → ${kb(perAgent)} per agent (target ≤ 40 KB)`);
await slice.stop();
await sleep(500);

// ── throughput ────────────────────────────────────────────────────────────
async function simRound(): Promise<number> {
  const scheduler = createSharedScheduler({ spread: true });
  const r = new Report({ dialect: 'fleet', seed, fleetAgents: N, shards: ['tp'], startedAt: '', endedAt: '' });
  let acks = 0;
  let counting = false;
  const agents = ids.slice(0, TP_CLIENTS).map((identity) => {
    const a = new SimAgent({ identity, url: backend.url, heartbeatIntervalMs: 3_600_000, scheduler, report: r, onConnectedChange: () => undefined });
    // Closed loop: the next heartbeat goes out as soon as the previous ack returns (the first goes at connect).
    a.agent.on('heartbeat_ack', () => {
      if (counting) acks++;
      void a.agent.heartbeatNow();
    });
    a.connect();
    return a;
  });
  await new Promise<void>((res) => {
    const t = setInterval(() => agents.every((a) => a.connected) && (clearInterval(t), res()), 20);
  });
  await sleep(500);
  counting = true;
  await sleep(TP_SECONDS * 1000);
  counting = false;
  for (const a of agents) a.close();
  scheduler.stop();
  return acks / TP_SECONDS;
}

async function rawRound(): Promise<number> {
  let acks = 0;
  let counting = false;
  let stopped = false;
  const metrics = plan.agent(0) && { cpuUsagePercent: 12.5, gpuTemp: [40, 41, 42, 43, 44, 45, 46, 47], gpuUtilization: [90, 91, 92, 93, 0, 0, 0, 0], gpuMemoryUsedMb: [20000, 20000, 20000, 20000, 400, 400, 400, 400], ramUsageMb: 30000, ramTotalMb: 262144, diskUsageGb: 800.5, diskTotalGb: 2000, networkRxMbps: 80.1, networkTxMbps: 20.2, cpuTemp: 55.1 };
  const sockets: Socket[] = ids.slice(0, TP_CLIENTS).map((a) => {
    const s = rawIo(`${backend.url}/fleet`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: a.key, nodeId: a.nodeId } });
    const send = () => {
      if (stopped) return;
      s.emit('heartbeat', { nodeId: a.nodeId, status: 'online', metrics }, () => {
        if (counting) acks++;
        send();
      });
    };
    s.on('connect', send);
    return s;
  });
  await new Promise<void>((res) => {
    const t = setInterval(() => sockets.every((s) => s.connected) && (clearInterval(t), res()), 20);
  });
  await sleep(500);
  counting = true;
  await sleep(TP_SECONDS * 1000);
  counting = false;
  stopped = true;
  for (const s of sockets) s.disconnect();
  return acks / TP_SECONDS;
}

const raw: number[] = [];
const sim: number[] = [];
for (let i = 0; i < TP_ROUNDS; i++) {
  raw.push(await rawRound());
  sim.push(await simRound());
  console.log(`throughput round ${i + 1}: raw ${raw.at(-1)!.toFixed(0)} acks/s, simulator ${sim.at(-1)!.toFixed(0)} acks/s`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// Rounds are paired (raw then simulator, back to back), so the median of the per-round ratios resists a noisy neighbour better than a ratio of medians.
const ratios = sim.map((x, i) => x / raw[i]!);
console.log(
  `throughput (${TP_CLIENTS} clients, closed loop, ${TP_ROUNDS} paired rounds): raw median ${median(raw).toFixed(0)}/s, simulator median ${median(sim).toFixed(0)}/s; ` +
    `median of per-round ratios ${median(ratios).toFixed(2)}× (ratio of medians ${(median(sim) / median(raw)).toFixed(2)}×; target ≥ 0.85×)`,
);
await backend.close();
process.exit(0);
