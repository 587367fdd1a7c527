/**
 * The chaos test of issue 10: agents with rentals running while the mock backend,
 * a child process, is killed and restarted on the same port three times.
 * - SIGKILL (a crash: nothing saved): every agent comes back each time, and
 *   every lifecycle fact emitted from the last kill on is recorded by the last
 *   backend — none lost, none invented, no rental ending twice.
 * - SIGTERM with --state-file (graceful: state kept): every fact emitted over the
 *   whole run is in the last backend's state, exactly once (facts are keyed by
 *   event + rentalId + containerId; repeats only raise `receipts`).
 * Bounded: waits on events and polled conditions, never fixed sleeps.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { FleetPlan } from '../src/model/fleet-plan.js';
import { runSlice, waitFor, type SliceRun } from './helpers.js';
import { startMockProcess, factKey, type FactJson, type MockProcess } from '../../../test-support/mock-process.js';
import { startCmd, until } from '../../../test-support/index.js';

const AGENTS = 60;
const RESTARTS = 3;

/** Starts rentals round-robin through the admin API until stopped; failures while the backend is down are expected. */
function renter(getMock: () => MockProcess | null, nodeIds: string[]) {
  let stopped = false;
  let n = 0;
  const loop = async () => {
    while (!stopped) {
      const m = getMock();
      const i = n++;
      if (m) await m.post(`/api/nodes/${nodeIds[i % nodeIds.length]}/start_instance`, startCmd(`chaos-r${i}`)).catch(() => null);
      await new Promise((r) => setTimeout(r, 15)); // pacing of the load generator, not a wait for a condition
    }
  };
  const done = loop();
  return { stop: () => ((stopped = true), done) };
}

const facts = async (m: MockProcess) => (await m.get<{ facts: FactJson[] }>('/api/facts')).facts;

async function chaos(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  // State of its own: the two variants run at the same time (each spends most of it waiting).
  let run: SliceRun | null = null;
  let mock: MockProcess | null = null;
  const cleanups: (() => unknown)[] = [];
  onTestFinished(async () => {
    await run?.slice.stop();
    await mock?.stop('SIGKILL');
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const seed = `kill-${signal}`;
  const plan = new FleetPlan({ seed, agents: AGENTS, gpus: 4 });
  const dir = await mkdtemp(join(tmpdir(), 'fw-chaos-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const keysFile = join(dir, 'keys.txt');
  await writeFile(keysFile, Array.from({ length: AGENTS }, (_, i) => plan.agent(i).key).join('\n'));
  const stateArgs = signal === 'SIGTERM' ? ['--state-file', join(dir, 'state.json')] : [];
  const args = (port: number) => ['--keys', keysFile, '--ephemeral', '--fleet-port', String(port), ...stateArgs];

  mock = await startMockProcess(args(0));
  const port = mock.fleetPort;
  // Crashes and time limits spread over seconds, so some rentals end while the backend is down.
  // Backoff capped at 4 s: with the SDK's 30 s cap, an agent whose attempt counter had not reset
  // between restarts (it resets after 5 s up) could draw ~30 s twice while a loaded box started
  // the mock, and overrun the 90 s wait; what this test checks is facts, not the backoff curve.
  run = runSlice(mock.fleetUrl, plan, { seed, rampPerSec: 2000, heartbeatIntervalMs: 2000, backoff: { initialDelayMs: 250, maxDelayMs: 4000 }, lifecycle: { pullDelayMs: [5, 30], startDelayMs: [5, 10], startFailureRate: 0.1, runFailureRate: 0.3, timeoutRate: 0.3, failAfterMs: [200, 4000], timeoutAfterMs: [300, 4000], gracefulStopMs: [5, 30], killStopMs: [2, 10] } });
  await waitFor(() => run!.slice.connectedCount === AGENTS, `all ${AGENTS} agents connected`, 60_000);
  const nodeIds = run.slice.agents.map((a) => a.identity.nodeId);
  const rent = renter(() => mock, nodeIds);
  cleanups.push(() => rent.stop());

  let fromLastKill = 0;
  for (let k = 0; k < RESTARTS; k++) {
    const m = mock!;
    const seen = (await facts(m)).length;
    await until(async () => (await facts(m)).length >= seen + 20, `20 new facts before kill ${k + 1}`, 60_000);
    fromLastKill = run.events.length;
    mock = null;
    expect((await m.stop(signal)).signal ?? 'exit').toBe(signal === 'SIGKILL' ? 'SIGKILL' : 'exit');
    mock = await startMockProcess(args(port));
    expect(mock.fleetPort).toBe(port);
    await waitFor(() => run!.slice.connectedCount === AGENTS, `every agent back after restart ${k + 1}`, 90_000);
  }
  const last = mock!;
  const seen = (await facts(last)).length;
  await until(async () => (await facts(last)).length >= seen + 20, '20 new facts at the last backend', 60_000);
  await rent.stop();

  // Quiet: nothing left unacked, and every fact that must be at the last backend is there.
  const mustHave = () => (signal === 'SIGTERM' ? run!.events : run!.events.slice(fromLastKill));
  let recorded: FactJson[] = [];
  await until(
    async () => {
      recorded = await facts(last);
      const keys = new Set(recorded.map(factKey));
      return run!.slice.agents.every((a) => a.agent.pendingEvents.length === 0) && mustHave().every((e) => keys.has(factKey(e)));
    },
    'every emitted fact recorded at the last backend',
    60_000,
  );

  const emitted = new Set(run.events.map(factKey));
  expect(run.events.length).toBe(emitted.size); // the agents emitted each fact once
  const keys = recorded.map(factKey);
  expect(keys.length).toBe(new Set(keys).size); // each recorded once
  expect(keys.filter((k) => !emitted.has(k))).toEqual([]); // nothing invented
  const missing = mustHave().filter((e) => !keys.includes(factKey(e)));
  expect(missing).toEqual([]); // nothing lost
  const stops = new Map<string, number>();
  for (const f of recorded) if (f.event === 'instance_stopped') stops.set(f.rentalId, (stops.get(f.rentalId) ?? 0) + 1);
  expect([...stops].filter(([, n]) => n > 1)).toEqual([]); // no rental ends twice
  expect(mustHave().length).toBeGreaterThan(20);
  if (signal === 'SIGTERM') {
    // The state really crossed the restarts: facts from before the first restart are still there.
    expect(recorded.length).toBeGreaterThanOrEqual(emitted.size);
  }
}

it.concurrent(`${AGENTS} agents with rentals; the mock SIGKILLed and restarted ${RESTARTS}×: all back, every fact since the last kill recorded once`, () => chaos('SIGKILL'), 400_000);

// This variant hung until 2026-12-02: a SIGTERMed mock waited for ever on upgrades taken by nobody
// during its shutdown (CLOSE_WAIT sockets of agents that had given up); http-host.ts now destroys what
// is left after a grace, and test/close-bounded.test.ts in mock-backend pins that down.
it.concurrent(`${AGENTS} agents with rentals; the mock SIGTERMed with --state-file and restarted ${RESTARTS}×: every fact of the run recorded once`, () => chaos('SIGTERM'), 400_000);
