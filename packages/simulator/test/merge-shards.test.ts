/**
 * Merging shard reports gives the report of the same run done whole, and
 * --shard slices never overlap. Made deterministic by construction: with a 1 h
 * heartbeat interval each agent sends exactly one heartbeat (at connect), no
 * rentals and no chaos, so every counter and gauge and every histogram's
 * sample count is fixed; latency values themselves vary with timing, so they
 * are compared as counts (the bucket arithmetic is covered in report.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MockBackend } from '@fleetwire/mock-backend';
import { FleetPlan, shardRange } from '../src/model/fleet-plan.js';
import { C, mergeReports } from '../src/report/report.js';
import { backendFor, runSlice, waitFor, type SliceRun } from './helpers.js';

const AGENTS = 40;
const SEED = 'merge';
let open: { backend: MockBackend; runs: SliceRun[] }[] = [];
afterEach(async () => {
  for (const o of open) {
    for (const r of o.runs) await r.slice.stop();
    await o.backend.close();
  }
  open = [];
});

/** Runs the given shards of the fleet, each against its own fresh backend, until each agent's one heartbeat is acked. */
async function runShards(count: number): Promise<{ runs: SliceRun[]; nodesPerShard: string[][] }> {
  const plan = new FleetPlan({ seed: SEED, agents: AGENTS });
  const runs: SliceRun[] = [];
  const nodesPerShard: string[][] = [];
  for (let i = 0; i < count; i++) {
    const backend = await backendFor(plan);
    const { start, end } = shardRange(AGENTS, { index: i, count });
    const run = runSlice(backend.fleetUrl, plan, { seed: SEED, start, end, heartbeatIntervalMs: 3_600_000 });
    open.push({ backend, runs: [run] });
    await run.slice.allConnected;
    await waitFor(() => run.report.counter(C.heartbeatsAcked) === end - start, 'one ack per agent');
    nodesPerShard.push([...backend.state.fleet.nodes.keys()]);
    run.report.meta.shards = [`${i}/${count}`];
    runs.push(run);
  }
  return { runs, nodesPerShard };
}

describe('shards', () => {
  it('merge(0/3, 1/3, 2/3) equals the whole run: counters, gauges, histogram counts', async () => {
    const whole = (await runShards(1)).runs[0]!.report;
    const { runs, nodesPerShard } = await runShards(3);
    const merged = mergeReports(runs.map((r) => r.report));
    expect(merged.counters).toEqual(whole.counters);
    expect(merged.gauges).toEqual(whole.gauges);
    expect(merged.histogramNames()).toEqual(whole.histogramNames());
    for (const h of whole.histogramNames()) expect(merged.histogram(h).count).toBe(whole.histogram(h).count);
    expect(merged.counter(C.heartbeatsAcked)).toBe(AGENTS);

    // The control plane saw disjoint node sets that together are the fleet.
    const all = nodesPerShard.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(AGENTS);
  }, 60_000);

  it('--shard slices never overlap and tile the fleet, for many fleet sizes and shard counts', () => {
    for (const agents of [1, 2, 7, 100, 1001]) {
      const plan = new FleetPlan({ seed: SEED, agents });
      for (const count of [1, 2, 3, 4, 7, 16]) {
        if (count > agents) continue;
        const seen = new Set<string>();
        let total = 0;
        for (let index = 0; index < count; index++) {
          const ids = plan.slice({ index, count }).map((a) => a.nodeId);
          for (const id of ids) {
            expect(seen.has(id)).toBe(false);
            seen.add(id);
          }
          total += ids.length;
        }
        expect(total).toBe(agents);
      }
    }
  });
});
