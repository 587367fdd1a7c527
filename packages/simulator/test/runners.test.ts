/**
 * Workers (child processes) as the run clock sees them: the clock must not
 * start before they are up, and a worker that never comes up is an error with
 * its name, never a silent `connected 0 / N`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockBackend } from '@fleetwire/mock-backend';
import { FleetPlan } from '../src/model/fleet-plan.js';
import { workerRunner, type SliceSpec } from '../src/run/runners.js';
import { NO_CHAOS, backendFor } from './helpers.js';

const plan = { seed: 'runners', agents: 4, gpus: 1 };
let backend: MockBackend;

beforeAll(async () => {
  backend = await backendFor(new FleetPlan(plan));
});
afterAll(() => backend.close());

const spec = (url: string): SliceSpec => ({
  dialect: 'fleet',
  url,
  plan,
  start: 0,
  end: 4,
  rampPerSec: 1000,
  heartbeatIntervalMs: 200,
  chaos: NO_CHAOS,
  sources: null,
  seed: plan.seed,
  meta: { dialect: 'fleet', seed: plan.seed, fleetAgents: 4, shards: ['0/1'], startedAt: new Date().toISOString(), endedAt: new Date().toISOString() },
});

describe('workerRunner with child processes', () => {
  it('is ready only once every child said so; its agents then connect and no worker is reported lost', async () => {
    const runner = workerRunner(spec(backend.fleetUrl), 2, 'process');
    let ready = false;
    void runner.ready.then(() => (ready = true));
    // Nothing can have booted a tsx child within the same tick.
    await Promise.resolve();
    expect(ready).toBe(false);
    await runner.ready;
    await runner.allConnected;
    const report = await runner.stop();
    expect(report.gauge('connected')).toBe(4);
    expect(runner.failures()).toEqual([]);
  }, 60_000);

  it('a child that does not come up within the start-up timeout rejects `ready`, naming it', async () => {
    // 1 ms: no child process (let alone one loading tsx) can say `ready` that fast.
    const runner = workerRunner(spec(backend.fleetUrl), 2, 'process', 1);
    await expect(runner.ready).rejects.toThrow(/process 0, process 1 did not start within/);
    await runner.stop();
  }, 60_000);
});
