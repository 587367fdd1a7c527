/**
 * Each chaos option leaves its mark in the report (and at the backend):
 * random disconnects and flapping → reconnects; slow agents → ack latency
 * grows by the delay; malformed frames → protocol errors at the backend and
 * FW_ACK_REJECTED at the agents. Plus source pairs: the backend sees each
 * agent come from its own (address, port) of the slice's pool.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MockBackend } from '@fleetwire/mock-backend';
import { FleetPlan } from '../src/model/fleet-plan.js';
import { C, H, errorCounter } from '../src/report/report.js';
import { backendFor, runSlice, waitFor, type SliceRun } from './helpers.js';

const AGENTS = 20;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function start(seed: string, o: Parameters<typeof runSlice>[2] extends infer T ? Omit<T & object, 'seed'> : never): Promise<{ backend: MockBackend; run: SliceRun }> {
  const plan = new FleetPlan({ seed, agents: AGENTS });
  const backend = await backendFor(plan);
  const run = runSlice(backend.fleetUrl, plan, { seed, ...o });
  cleanup.push(async () => {
    await run.slice.stop();
    await backend.close();
  });
  // With disconnect chaos all agents may never be connected at the same moment; wait for the ramp and one connect each.
  await waitFor(() => run.slice.agents.length === AGENTS && run.report.histogram(H.connect).count === AGENTS, 'every agent connected once');
  return { backend, run };
}

describe('chaos options, each with an observable effect', () => {
  it('random disconnects → chaos disconnects and as many reconnects', async () => {
    // 120 per agent per minute = 2/s each: dozens within a second over 20 agents.
    const { run } = await start('chaos-dc', { chaos: { disconnectRate: 120 } });
    await waitFor(() => run.report.counter(C.reconnects) >= 10, '10 reconnects');
    expect(run.report.counter(C.chaosDisconnects)).toBeGreaterThanOrEqual(10);
    expect(run.report.counter(C.disconnects)).toBeGreaterThanOrEqual(run.report.counter(C.reconnects));
  });

  it('no chaos → no reconnects (the baseline the others differ from)', async () => {
    const { run } = await start('chaos-none', { heartbeatIntervalMs: 100 });
    await waitFor(() => run.report.counter(C.heartbeatsAcked) >= 100, '100 acks');
    expect(run.report.counter(C.reconnects)).toBe(0);
    expect(run.report.counter(C.errors)).toBe(0);
    // Far under the slow-agent delays below, with room for a loaded CI box.
    expect(run.report.p99(H.ack)).toBeLessThan(1000);
  });

  it('flapping agents (100%, every 300 ms) → every agent reconnects', async () => {
    const { run } = await start('chaos-flap', { chaos: { flapShare: 1, flapPeriodMs: 300 } });
    await waitFor(() => run.report.counter(C.reconnects) >= AGENTS, `${AGENTS} reconnects`);
    expect(run.report.counter(C.chaosDisconnects)).toBeGreaterThanOrEqual(AGENTS);
  });

  it('slow agents (100% : 250 ms) → heartbeat ack latency ≥ the delay', async () => {
    const { run } = await start('chaos-slow', { heartbeatIntervalMs: 100, chaos: { slowAck: { share: 1, delayMs: 250 } } });
    await waitFor(() => run.report.counter(C.heartbeatsAcked) >= 40, '40 acks');
    expect(run.report.percentileMs(H.ack, 1)).toBeGreaterThanOrEqual(249);
    expect(run.report.counter(C.chaosSlowAcks)).toBeGreaterThanOrEqual(40);
  });

  it('slow agents (50%) → only about half are slow, the rest ack at once', async () => {
    const { run } = await start('chaos-slow-half', { heartbeatIntervalMs: 100, chaos: { slowAck: { share: 0.5, delayMs: 300 } } });
    await waitFor(() => run.report.counter(C.heartbeatsAcked) >= 100, '100 acks');
    expect(run.report.percentileMs(H.ack, 10)).toBeLessThan(250);
    expect(run.report.percentileMs(H.ack, 95)).toBeGreaterThanOrEqual(299);
  });

  it('malformed frames (30%) → protocol errors at the backend, FW_ACK_REJECTED at the agents, connections kept', async () => {
    const { backend, run } = await start('chaos-malformed', { heartbeatIntervalMs: 100, chaos: { malformedShare: 0.3 } });
    await waitFor(() => backend.fleet.counters.protocolErrors >= 10, '10 protocol errors at the backend');
    await waitFor(() => run.report.counter(errorCounter('FW_ACK_REJECTED')) >= 10, '10 rejected acks');
    expect(run.report.counter(C.chaosMalformed)).toBeGreaterThanOrEqual(10);
    expect(run.report.counter(C.errors)).toBeGreaterThanOrEqual(10);
    expect(run.report.counter(C.reconnects)).toBe(0);
  });

  it.each(['lean', 'socket.io-client'] as const)('source pairs (%s): every fleet agent binds its own (address, port) from the slice pool; a reconnect takes a fresh one', async (transport) => {
    const lo = 20_000 + Math.floor(Math.random() * 10_000);
    // 20 agents → 40 pairs, 10 ports per address: 127.0.0.2–127.0.0.5; the first 20 dials use the first two addresses.
    const { backend, run } = await start(`chaos-src-${transport}`, { transport, sources: { addresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'], ports: [lo, lo + 9] } });
    const pairs = () => [...backend.io.of('/fleet').sockets.values()].map((s) => `${s.conn.request.socket.remoteAddress}:${s.conn.request.socket.remotePort}`).sort();
    const first = Array.from({ length: 20 }, (_, k) => `127.0.0.${2 + Math.floor(k / 10)}:${lo + (k % 10)}`).sort();
    expect(pairs()).toEqual(first);
    // Dropped sockets go to the back of the pool: the reconnects dial from the 20 pairs never used yet.
    for (const a of run.slice.agents) a.drop();
    await waitFor(() => run.report.counter(C.reconnects) === AGENTS && run.slice.connectedCount === AGENTS, 'every agent back');
    const second = Array.from({ length: 20 }, (_, k) => `127.0.0.${4 + Math.floor(k / 10)}:${lo + (k % 10)}`).sort();
    await waitFor(() => backend.io.of('/fleet').sockets.size === AGENTS, 'the old sockets gone at the server');
    expect(pairs()).toEqual(second);
  });

  it('--reconnect-initial reaches every agent: retries after a drop wait up to its ceiling, not the SDK default 1 s', async () => {
    const { run } = await start('chaos-backoff', { backoff: { initialDelayMs: 5000, maxDelayMs: 5000 } });
    const delays: number[] = [];
    for (const a of run.slice.agents) a.agent.on('reconnecting', (info) => delays.push(info.delayMs));
    for (const a of run.slice.agents) a.drop();
    await waitFor(() => delays.length >= AGENTS, 'a scheduled retry per agent');
    // Uniform in [0, 5 s]: all 20 under the default's 1 s would happen once in 10^14 runs.
    expect(Math.max(...delays)).toBeGreaterThan(1000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(5000);
  });
});
