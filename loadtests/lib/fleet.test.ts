import { describe, expect, it } from 'vitest';
import { fleet } from '@fleetwire/sdk';
import { containerIdFor, fleetCommandProblems, fleetHeartbeat, fleetInstanceStarted, fleetInstanceStopped } from './fleet.ts';
import { HostModel } from './host.ts';

const { fleetValidators } = fleet;

const valid = (name: keyof typeof fleetValidators, v: unknown) => expect(fleetValidators[name].explain(v)).toEqual([]);

describe('fleet builders validate against the SDK schema', () => {
  it('heartbeat, for many hosts, idle and busy, every status', () => {
    for (let seed = 0; seed < 50; seed++) {
      const host = new HostModel(seed);
      host.busy = seed % 2 === 0;
      for (let i = 0; i < 5; i++) host.step(5);
      for (const status of ['online', 'busy', 'maintenance'] as const) valid('heartbeat', fleetHeartbeat(`node-${seed}`, status, host));
    }
  });
  it('heartbeat carries one entry per GPU in every GPU array', () => {
    const host = new HostModel(7);
    const hb = fleetHeartbeat('n', 'online', host);
    const n = host.profile.gpuCount;
    expect([hb.metrics.gpuTemp.length, hb.metrics.gpuUtilization.length, hb.metrics.gpuMemoryUsedMb.length]).toEqual([n, n, n]);
    expect(hb.metrics.ramUsageMb).toBeLessThanOrEqual(hb.metrics.ramTotalMb);
  });
  it('instance_started answers the documented start_instance', () => {
    const cmd = { rentalId: 'r-1', image: 'pytorch/pytorch', resourceLimits: { gpuIndices: ['0'], cpuCores: 4, ramLimit: '16g', diskLimit: '100g' }, proxyPortMapping: { '22': 10022, '8888': 10888 } };
    expect(fleetValidators.start_instance.check(cmd)).toBe(true);
    const started = fleetInstanceStarted(cmd, 'node-1');
    valid('instance_started', started);
    expect(started.connectionInfo).toEqual({ sshHost: 'proxy.fleetwire.test', sshPort: 10022, additionalPorts: { '8888': 10888 } });
    expect(started.containerId).toMatch(/^[0-9a-f]{64}$/);
    expect(started.containerId).toBe(containerIdFor('node-1', 'r-1'));
    expect(containerIdFor('node-2', 'r-1')).not.toBe(started.containerId);
  });
  it('instance_stopped for each reason', () => {
    valid('instance_stopped', fleetInstanceStopped('r', 'c'));
    valid('instance_stopped', fleetInstanceStopped('r', '', 'error', 'image pull failed'));
    valid('instance_stopped', fleetInstanceStopped('r', 'c', 'timeout'));
  });
  it('the validator rejects a broken heartbeat (the test can fail)', () => {
    const hb = fleetHeartbeat('n', 'online', new HostModel(1)) as unknown as { metrics: Record<string, unknown> };
    delete hb.metrics.ramTotalMb;
    expect(fleetValidators.heartbeat.check(hb)).toBe(false);
  });
});

describe('fleetCommandProblems agrees with the SDK schema on commands', () => {
  const start = { rentalId: 'r-1', image: 'img', resourceLimits: { gpuIndices: ['0'], cpuCores: 4, ramLimit: '16g', diskLimit: '100g' }, proxyPortMapping: { '22': 10022 } };
  const cases: [name: 'start_instance' | 'stop_instance' | 'drain_node', payload: unknown][] = [
    ['start_instance', start],
    ['start_instance', { ...start, envVars: { A: 'b' } }],
    ['start_instance', { ...start, envVars: { A: 1 } }],
    ['start_instance', { ...start, rentalId: '' }],
    ['start_instance', { ...start, image: undefined }],
    ['start_instance', { ...start, resourceLimits: { ...start.resourceLimits, gpuIndices: [0] } }],
    ['start_instance', { ...start, resourceLimits: { ...start.resourceLimits, cpuCores: '4' } }],
    ['start_instance', { ...start, proxyPortMapping: { '22': 1.5 } }],
    ['start_instance', { ...start, proxyPortMapping: undefined }],
    ['start_instance', { fleetwireFault: 'malformed' }], // what the mock's invalid-schema fault sends
    ['start_instance', null],
    ['stop_instance', { rentalId: 'r-1', containerId: '' }],
    ['stop_instance', { rentalId: 'r-1' }],
    ['stop_instance', { rentalId: '', containerId: 'c' }],
    ['drain_node', { nodeId: 'n', reason: 'patch' }],
    ['drain_node', { reason: 'patch' }],
  ];
  it.each(cases)('%s %j', (name, payload) => {
    const problems = fleetCommandProblems(name, payload);
    expect(problems === null ? null : problems.length === 0).toBe(fleetValidators[name].check(payload));
  });
  it('events fleet.md does not define are unknown (null), not invalid', () => {
    expect(fleetCommandProblems('reboot_node', {})).toBeNull();
  });
});

describe('HostModel', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new HostModel(3);
    const b = new HostModel(3);
    const c = new HostModel(4);
    a.step(5);
    b.step(5);
    c.step(5);
    expect(a.state).toEqual(b.state);
    expect(JSON.stringify(a.state)).not.toBe(JSON.stringify(c.state));
  });
  it('stays in physical bounds and follows load', () => {
    const h = new HostModel(11);
    for (let i = 0; i < 200; i++) {
      h.busy = i > 100;
      const s = h.step(5);
      expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(s.cpuPercent).toBeLessThanOrEqual(100);
      for (const u of s.gpuUtil) expect(u >= 0 && u <= 100).toBe(true);
      for (const m of s.gpuMemUsedMb) expect(m).toBeLessThanOrEqual(h.profile.gpuMemoryMb);
    }
    expect(h.state.gpuUtil.every((u) => u > 50)).toBe(true);
    const rx = h.state.rxBytes;
    h.step(5);
    expect(h.state.rxBytes).toBeGreaterThan(rx);
  });
});
