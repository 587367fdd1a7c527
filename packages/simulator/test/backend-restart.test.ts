/**
 * The chaos test of issue 5: while 500 agents run rentals, the mock backend is
 * stopped and restarted on the same port. Every agent comes back, and every
 * lifecycle fact an agent emitted is recorded by a backend — none lost, none
 * invented, and no rental ends twice. (Receipts may be > 1: an event whose ack
 * was lost is resent, and running containers are re-reported on reconnect;
 * the fact key makes those the same fact.)
 */
import { afterEach, expect, it } from 'vitest';
import type { InstanceFact, MockBackend } from '@fleetwire/mock-backend';
import { FleetPlan } from '../src/model/fleet-plan.js';
import { RentalDriver } from '../src/run/rentals.js';
import { FAST_LIFECYCLE, backendFor, runSlice, waitFor, type SliceRun } from './helpers.js';

const AGENTS = 500;
let run: SliceRun | null = null;
const backends: MockBackend[] = [];
afterEach(async () => {
  await run?.slice.stop();
  for (const b of backends) await b.close().catch(() => undefined);
});

const key = (f: { event: string; rentalId: string; containerId: string }) => `${f.event}|${f.rentalId}|${f.containerId}`;

it('500 agents survive a backend restart on the same port; no lifecycle fact lost or doubled', async () => {
  const seed = 'restart';
  const plan = new FleetPlan({ seed, agents: AGENTS, gpus: 4 });
  const first = await backendFor(plan);
  backends.push(first);
  const port = first.fleetPort;
  // Slower crashes than FAST_LIFECYCLE, so some containers end while the backend is down.
  run = runSlice(first.fleetUrl, plan, { seed, rampPerSec: 5000, heartbeatIntervalMs: 2000, lifecycle: { ...FAST_LIFECYCLE, failAfterMs: [100, 2500], timeoutAfterMs: [200, 2500] } });
  await run.slice.allConnected;

  const nodeIds = run.slice.agents.map((a) => a.identity.nodeId);
  const driver = new RentalDriver({ fleet: first.fleet, state: first.state.fleet, nodeIds, perMinute: 0, meanRentalMs: 400, recheckMs: 100, seed });
  for (let i = 0; i < 200; i++) void driver.rentOne();
  await waitFor(() => first.state.fleet.facts.size >= 150, '150 facts at the first backend');

  // Stop mid-flight: starts, crashes and stops are in progress.
  driver.stop();
  const factsBefore: InstanceFact[] = [];
  await first.close();
  factsBefore.push(...first.state.fleet.facts.values());
  await waitFor(() => run!.slice.connectedCount === 0, 'every agent to see the backend go');

  const second = await backendFor(plan, port);
  backends.push(second);
  await waitFor(() => run!.slice.connectedCount === AGENTS, 'all 500 agents back', 40_000);
  // Quiet: nothing left unacked, and every emitted fact has reached a backend.
  const recorded = () => new Set([...factsBefore, ...second.state.fleet.facts.values()].map(key));
  await waitFor(
    () => run!.slice.agents.every((a) => a.agent.pendingEvents.length === 0) && run!.events.every((e) => recorded().has(key(e))),
    'every emitted fact recorded',
    30_000,
  );

  const emitted = new Set(run.events.map(key));
  const all = recorded();
  expect(run.events.length).toBe(emitted.size); // the agents emitted each fact once
  expect([...all].filter((k) => !emitted.has(k))).toEqual([]); // nothing invented
  expect([...emitted].filter((k) => !all.has(k))).toEqual([]); // nothing lost
  // No rental ends twice: one instance_stopped fact per rental over both backends.
  const stops = new Map<string, Set<string>>();
  for (const f of [...factsBefore, ...second.state.fleet.facts.values()]) {
    if (f.event === 'instance_stopped') (stops.get(f.rentalId) ?? stops.set(f.rentalId, new Set()).get(f.rentalId)!).add(key(f));
  }
  expect([...stops.values()].filter((s) => s.size > 1)).toEqual([]);
  // The restart was exercised: facts reached the second backend that the first never saw.
  const before = new Set(factsBefore.map(key));
  expect([...second.state.fleet.facts.values()].filter((f) => !before.has(key(f))).length).toBeGreaterThan(0);
  expect(run.report.counter('reconnects')).toBeGreaterThanOrEqual(AGENTS);
}, 120_000);
