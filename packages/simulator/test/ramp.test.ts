/**
 * The ramp against real sockets: a control plane that accepts TCP but never
 * answers holds the ramp at its in-flight bound (no pile-up of handshakes),
 * and against the mock backend every agent still gets in through a small bound.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetPlan } from '../src/model/fleet-plan.js';
import { backendFor, runSlice, waitFor, type SliceRun } from './helpers.js';

let runs: SliceRun[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(runs.map((r) => r.slice.stop()));
  runs = [];
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** Accepts connections and never says a word: every handshake stays in flight. */
async function silentServer(): Promise<{ url: string; accepted: () => number }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(r);
      }),
  );
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, accepted: () => sockets.length };
}

describe('fleet ramp', () => {
  it('holds at most maxConnectsInFlight first attempts open while the control plane does not answer', async () => {
    const silent = await silentServer();
    const plan = new FleetPlan({ seed: 'ramp', agents: 50, gpus: 1 });
    const run = runSlice(silent.url, plan, { seed: 'ramp', rampPerSec: 1000, maxConnectsInFlight: 5 });
    runs.push(run);
    await waitFor(() => silent.accepted() >= 5, '5 connections at the silent server');
    // At 1,000/s an unbounded ramp would have started all 50 within this window.
    await new Promise((r) => setTimeout(r, 300));
    expect(run.slice.agents.length).toBe(5);
    expect(run.slice.peakConnectsInFlight).toBe(5);
  }, 30_000);

  it('every agent gets in through a bound of 3 against the mock backend', async () => {
    const plan = new FleetPlan({ seed: 'ramp-ok', agents: 30, gpus: 1 });
    const backend = await backendFor(plan);
    closers.push(() => backend.close());
    const run = runSlice(backend.fleetUrl, plan, { seed: 'ramp-ok', rampPerSec: 1000, maxConnectsInFlight: 3 });
    runs.push(run);
    await run.slice.allConnected;
    expect(run.slice.connectedCount).toBe(30);
    expect(run.slice.peakConnectsInFlight).toBeLessThanOrEqual(3);
  }, 60_000);
});
