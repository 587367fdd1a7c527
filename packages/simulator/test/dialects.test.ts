/**
 * monitor and vstats agents against the embedded mock backend (the same
 * startInProcess the CLI uses): every agent connects, the metrics they send
 * are the metrics the backend's state counted, monitor commands come back with
 * the simulated host's output and their round trips land in the report; and
 * the chaos options reach these dialects too (drops → reconnects, malformed
 * metrics → protocol errors at the backend, slow answers → longer round trips,
 * source pairs → seen by the server).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Dialect } from '../src/cli/args.js';
import { FleetPlan } from '../src/model/fleet-plan.js';
import { C, G, H, errorCounter } from '../src/report/report.js';
import { addBackendStats } from '../src/run/backend-stats.js';
import { startInProcess } from '../src/run/embedded.js';
import type { FleetSlice } from '../src/run/fleet-slice.js';
import type { SimMonitorAgent, SimVStatsAgent } from '../src/run/ws-agents.js';
import { agentSocket } from '../src/run/ws-socket.js';
import { SourcePool } from '../src/transport/source-pool.js';
import { runSlice, waitFor, type SliceRun } from './helpers.js';

const AGENTS = 12;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

type Chaos = Parameters<typeof runSlice>[2]['chaos'];

async function start(dialect: Dialect, seed: string, o: { chaos?: Chaos; commandsPerMinute?: number } = {}) {
  const plan = new FleetPlan({ seed, agents: AGENTS, gpus: [1, 8] });
  const ids = Array.from({ length: AGENTS }, (_, i) => plan.agent(i));
  const { backend, handle } = await startInProcess({
    dialect,
    keys: ids.map((a) => a.key),
    nodeIds: ids.map((a) => a.nodeId),
    rentalsPerMinute: 0,
    commandsPerMinute: o.commandsPerMinute ?? 0,
    seed,
  });
  const run: SliceRun = runSlice(handle.url, plan, { seed, dialect, heartbeatIntervalMs: 100, ...(o.chaos ? { chaos: o.chaos } : {}) });
  cleanup.push(async () => {
    await run.slice.stop();
    await handle.close();
  });
  await waitFor(() => run.report.histogram(H.connect).count === AGENTS, 'every agent connected once');
  return { plan, backend, handle, run };
}

describe('monitor agents against the embedded backend', () => {
  it('all connect; metrics sent = metrics the backend state counted; commands answered with the host model output', async () => {
    const { backend, handle, run } = await start('monitor', 'mon-1');
    const slice = run.slice as unknown as FleetSlice<SimMonitorAgent>;
    expect(run.report.gauge(G.connected)).toBe(AGENTS);
    await waitFor(() => run.report.counter(C.metricsSent) >= AGENTS * 5, 'five metrics per agent');

    // The server_ids are the plan's nodeIds (the embedded backend pins them), and each hostname comes from the host model.
    const monitor = backend.servers.monitor!;
    const a = slice.agents[3]!;
    const res = await monitor.sendCommand(a.identity.nodeId, 'hostname');
    expect(res.output).toBe(`${a.identity.hostname}\n`);
    expect(res.exit_code).toBe(0);
    const smi = await monitor.sendCommand(a.identity.nodeId, 'nvidia-smi');
    expect(smi.output.trim().split('\n')).toHaveLength(a.host.spec.gpuCount + 1);
    const unknown = await monitor.sendCommand(a.identity.nodeId, 'rm -rf /');
    expect(unknown.exit_code).toBe(127);
    expect(unknown.output).toContain('nothing is executed');
    const docker = await monitor.sendDockerCommand(a.identity.nodeId, 'stop', 'web');
    expect(docker).toMatchObject({ success: true, message: 'Container stopped' });
    await waitFor(() => run.report.counter(C.commandsAnswered) === 4, 'four answers counted');
    expect(run.report.counter(C.commandsReceived)).toBe(4);

    await run.slice.stop();
    // Every metrics message the agents sent reached the backend's state (the slice closed its sockets; let the last frames land).
    const counted = () => [...backend.state.monitor.servers.values()].reduce((n, s) => n + s.metricsCount, 0);
    await waitFor(() => counted() === run.report.counter(C.metricsSent), 'backend state to count every metrics message');
    for (const id of slice.agents.map((x) => x.identity.nodeId)) expect(backend.state.monitor.servers.get(id)!.metricsCount).toBeGreaterThan(0);
    expect(run.report.counter(C.errors)).toBe(0);
    expect(run.report.counter(C.reconnects)).toBe(0);
    expect(run.report.findHistogram(H.ack)).toBeUndefined();

    addBackendStats(run.report, 'monitor', await handle.stats());
    expect(run.report.counter('backend.metrics')).toBe(run.report.counter(C.metricsSent));
    expect(run.report.counter('backend.protocol_errors')).toBe(0);
  });

  it('the command driver: seeded commands, every one answered, round trips in the report', async () => {
    const { handle, run } = await start('monitor', 'mon-2', { commandsPerMinute: 6000 });
    await waitFor(() => run.report.counter(C.commandsAnswered) >= 20, '20 answered commands');
    const s = await handle.stats();
    expect(s.commands!.answered).toBeGreaterThanOrEqual(20);
    expect(s.commands!.failed).toBe(0);
    addBackendStats(run.report, 'monitor', s);
    expect(run.report.histogram(H.command).count).toBe(s.commands!.answered);
    expect(run.report.p99(H.command)).toBeGreaterThan(0);
  });
});

describe('vstats agents against the embedded backend', () => {
  it('all connect; every full report reaches the backend state with the host model hostname', async () => {
    const { backend, handle, run } = await start('vstats', 'vst-1');
    const slice = run.slice as unknown as FleetSlice<SimVStatsAgent>;
    expect(run.report.gauge(G.connected)).toBe(AGENTS);
    await waitFor(() => run.report.counter(C.metricsSent) >= AGENTS * 5, 'five reports per agent');
    await run.slice.stop();
    const servers = [...backend.state.vstats.servers.values()];
    const counted = () => servers.reduce((n, s) => n + s.metricsReports, 0);
    await waitFor(() => counted() === run.report.counter(C.metricsSent), 'backend state to count every report');
    expect(servers).toHaveLength(AGENTS);
    const hostnames = new Set(slice.agents.map((a) => a.identity.hostname));
    for (const s of servers) {
      expect(hostnames.has(s.lastMetrics!.hostname)).toBe(true);
      expect(s.lastMetrics!.cpu.per_core.length).toBe(s.lastMetrics!.cpu.cores);
    }
    expect(run.report.counter(C.errors)).toBe(0);
    addBackendStats(run.report, 'vstats', await handle.stats());
    expect(run.report.counter('backend.metrics')).toBe(run.report.counter(C.metricsSent));
  });
});

describe('chaos on the plain-WebSocket dialects', () => {
  it('random disconnects (vstats) → chaos disconnects and as many reconnects', async () => {
    const { run } = await start('vstats', 'vst-dc', { chaos: { disconnectRate: 120 } });
    await waitFor(() => run.report.counter(C.reconnects) >= 10, '10 reconnects');
    expect(run.report.counter(C.chaosDisconnects)).toBeGreaterThanOrEqual(10);
    expect(run.report.counter(C.disconnects)).toBeGreaterThanOrEqual(run.report.counter(C.reconnects));
  });

  it('flapping (monitor, 100% every 300 ms) → every agent reconnects and re-authenticates', async () => {
    const { backend, run } = await start('monitor', 'mon-flap', { chaos: { flapShare: 1, flapPeriodMs: 300 } });
    const servers = [...backend.state.monitor.servers.values()];
    await waitFor(() => servers.every((s) => s.connections >= 2), 'every agent authenticated at least twice');
    expect(run.report.counter(C.reconnects)).toBeGreaterThanOrEqual(AGENTS);
    expect(run.report.counter(C.chaosDisconnects)).toBeGreaterThanOrEqual(AGENTS);
  });

  it('malformed metrics (monitor, 30%) → protocol errors at the backend, FW_REMOTE_ERROR at the agents, connections kept', async () => {
    const { backend, run } = await start('monitor', 'mon-bad', { chaos: { malformedShare: 0.3 } });
    await waitFor(() => backend.servers.monitor!.counters.protocolErrors >= 10, '10 protocol errors at the backend');
    await waitFor(() => run.report.counter(errorCounter('FW_REMOTE_ERROR')) >= 10, '10 error replies');
    expect(run.report.counter(C.chaosMalformed)).toBeGreaterThanOrEqual(10);
    expect(run.report.counter(C.reconnects)).toBe(0);
  });

  it('slow agents (monitor, 100% : 200 ms) → command round trips ≥ the delay', async () => {
    const { backend, run } = await start('monitor', 'mon-slow', { chaos: { slowAck: { share: 1, delayMs: 200 } } });
    const slice = run.slice as unknown as FleetSlice<SimMonitorAgent>;
    const t0 = performance.now();
    await Promise.all(slice.agents.slice(0, 4).map((a) => backend.servers.monitor!.sendCommand(a.identity.nodeId, 'uptime')));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(199);
    expect(run.report.counter(C.chaosSlowAcks)).toBe(4);
  });

  it('source pairs: each connection binds the next free (address, port) of the pool; a closed one waits at the back', async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    const seen: string[] = [];
    wss.on('connection', (_ws, req) => seen.push(`${req.socket.remoteAddress}:${req.socket.remotePort}`));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as AddressInfo).port;
    // Source ports, not listening ones: another run beside this one dials another destination, so the same pair does not clash.
    const lo = 20_000 + Math.floor(Math.random() * 10_000);
    // Two agents → four pairs: 127.0.0.3:lo, 127.0.0.3:lo+1, 127.0.0.4:lo, 127.0.0.4:lo+1.
    const pool = new SourcePool({ addresses: ['127.0.0.3', '127.0.0.4'], ports: [lo, lo + 1] }, 0, 2);
    const sock = agentSocket({ sources: pool });
    for (let i = 0; i < 5; i++) {
      const ws = new sock.WebSocket(`ws://127.0.0.1:${port}/`) as unknown as import('ws').WebSocket;
      await new Promise((r) => ws.once('open', r));
      expect(pool.free).toBe(3);
      const closed = new Promise((r) => ws.once('close', r));
      expect(sock.drop()).toBe(true);
      await closed;
      expect(pool.free).toBe(4);
    }
    expect(sock.drop()).toBe(false);
    expect(seen).toEqual([`127.0.0.3:${lo}`, `127.0.0.3:${lo + 1}`, `127.0.0.4:${lo}`, `127.0.0.4:${lo + 1}`, `127.0.0.3:${lo}`]);
    wss.close();
    await new Promise((r) => http.close(r));
  });
});
