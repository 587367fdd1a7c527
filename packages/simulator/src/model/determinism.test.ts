/**
 * The promise: the same --seed gives the same fleet and the same
 * sequence of events. This drives plan + host + lifecycle the way the runner
 * will (a fixed command script, fixed ticks) and compares whole traces.
 */
import { describe, expect, it } from 'vitest';
import { FleetPlan } from './fleet-plan.js';
import { HostModel, randomHostSpec } from './host.js';
import { LifecyclePlanner } from './lifecycle.js';

function trace(seed: string | number, agents = 20): unknown[] {
  const out: unknown[] = [];
  for (const id of new FleetPlan({ seed, agents, gpus: [1, 8] }).slice()) {
    const host = new HostModel(id.rng.fork('host'), randomHostSpec(id.rng.fork('spec'), id.gpuCount, id.hostname));
    const life = new LifecyclePlanner(id.rng);
    out.push({ nodeId: id.nodeId, key: id.key, spec: host.spec });
    for (let k = 0; k < 3; k++) {
      const rentalId = `rental-${id.index}-${k}`;
      const plan = life.planStart({
        rentalId,
        image: 'img',
        resourceLimits: { gpuIndices: ['0'], cpuCores: 4, ramLimit: '16g', diskLimit: '100g' },
        proxyPortMapping: { '22': 10022 + k, '8888': 10888 + k },
      });
      out.push(plan);
      if (plan.kind === 'start') host.pinRental(rentalId, ['0']);
      host.tick(5000);
      out.push(host.fleetMetrics());
      out.push(life.planStop({ rentalId, containerId: plan.kind === 'start' ? plan.containerId : '', graceful: true, timeoutSeconds: 30 }));
      host.releaseRental(rentalId);
      host.tick(5000);
      out.push(host.fleetMetrics());
    }
  }
  return out;
}

describe('determinism', () => {
  it('same seed → identical fleet, decisions and metrics', () => {
    expect(trace(42)).toEqual(trace(42));
    expect(trace('run-7')).toEqual(trace('run-7'));
  });

  it('another seed → another fleet and other decisions', () => {
    const a = JSON.stringify(trace(42));
    const b = JSON.stringify(trace(43));
    expect(a).not.toEqual(b);
  });
});
