import { describe, expect, it } from 'vitest';
import { connectionInfoFrom, LifecyclePlanner, type StartPlan } from './lifecycle.js';
import { Rng } from './rng.js';
import { fleetValidators, type StartInstance } from './sdk.js';

const cmd = (rentalId: string, mapping: Record<string, number> = { '22': 10022, '8888': 10888 }): StartInstance => ({
  rentalId,
  image: 'pytorch/pytorch:2.0.1-cuda11.7-cudnn8-runtime',
  resourceLimits: { gpuIndices: ['0'], cpuCores: 4, ramLimit: '16g', diskLimit: '100g' },
  proxyPortMapping: mapping,
});

describe('connectionInfoFrom', () => {
  it('port 22 is ssh, the rest are additional ports', () => {
    expect(connectionInfoFrom('p', { '22': 10022, '8888': 10888, '6006': 16006 })).toEqual({
      sshHost: 'p',
      sshPort: 10022,
      additionalPorts: { '8888': 10888, '6006': 16006 },
    });
    expect(connectionInfoFrom('p', { '8888': 1 })).toBeNull();
  });
});

describe('LifecyclePlanner', () => {
  it('a start plan carries a valid instance_started with a docker-like id and delays within range', () => {
    const p = new LifecyclePlanner(new Rng(1), { startFailureRate: 0 });
    const plan = p.planStart(cmd('r1'));
    expect(plan.kind).toBe('start');
    if (plan.kind !== 'start') return;
    expect(fleetValidators.instance_started.explain(plan.started)).toEqual([]);
    expect(plan.containerId).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.started.connectionInfo).toEqual({ sshHost: 'proxy.fleetwire.test', sshPort: 10022, additionalPorts: { '8888': 10888 } });
    expect(plan.delayMs).toBeGreaterThanOrEqual(600);
    expect(plan.delayMs).toBeLessThanOrEqual(3800);
  });

  it('same seed and rentalId → same plan, whatever was planned before; other rentals differ', () => {
    const a = new LifecyclePlanner(new Rng(5));
    const b = new LifecyclePlanner(new Rng(5));
    for (let i = 0; i < 20; i++) b.planStart(cmd(`other-${i}`));
    expect(a.planStart(cmd('r'))).toEqual(b.planStart(cmd('r')));
    expect(a.planStart(cmd('r'))).toEqual(a.planStart(cmd('r'))); // a resent command is the same fact
    expect(a.planStart(cmd('r2'))).not.toEqual(a.planStart(cmd('r')));
    expect(new LifecyclePlanner(new Rng(6)).planStart(cmd('r'))).not.toEqual(a.planStart(cmd('r')));
  });

  it('outcome shares follow the configured probabilities', () => {
    const p = new LifecyclePlanner(new Rng(2), { startFailureRate: 0.1, runFailureRate: 0.2, timeoutRate: 0.1 });
    const n = 5000;
    const counts = { fail: 0, error: 0, timeout: 0, until_stopped: 0 };
    for (let i = 0; i < n; i++) {
      const plan: StartPlan = p.planStart(cmd(`r${i}`));
      if (plan.kind === 'fail') {
        counts.fail++;
        expect(plan.stopped.containerId).toBe('');
        expect(plan.stopped.reason).toBe('error');
        expect(plan.stopped.errorMessage).toBeTruthy();
        expect(fleetValidators.instance_stopped.check(plan.stopped)).toBe(true);
      } else {
        counts[plan.outcome.kind]++;
        if (plan.outcome.kind !== 'until_stopped') {
          expect(plan.outcome.event.containerId).toBe(plan.containerId);
          expect(plan.outcome.event.reason).toBe(plan.outcome.kind);
          expect(fleetValidators.instance_stopped.check(plan.outcome.event)).toBe(true);
        }
      }
    }
    expect(counts.fail / n).toBeCloseTo(0.1, 1);
    expect(counts.error / n).toBeCloseTo(0.9 * 0.2, 1);
    expect(counts.timeout / n).toBeCloseTo(0.9 * 0.1, 1);
    expect(counts.until_stopped / n).toBeCloseTo(0.9 * 0.7, 1);
  });

  it('errors carry a message, timeouts carry null', () => {
    const p = new LifecyclePlanner(new Rng(3), { startFailureRate: 0, runFailureRate: 0.5, timeoutRate: 0.5 });
    const plans = Array.from({ length: 50 }, (_, i) => p.planStart(cmd(`x${i}`)));
    const err = plans.find((q) => q.kind === 'start' && q.outcome.kind === 'error');
    const to = plans.find((q) => q.kind === 'start' && q.outcome.kind === 'timeout');
    expect(err?.kind === 'start' && err.outcome.kind === 'error' && err.outcome.event.errorMessage).toMatch(/exit|Xid|CUDA/);
    expect(to?.kind === 'start' && to.outcome.kind === 'timeout' && to.outcome.event.errorMessage).toBeNull();
  });

  it('a draining host refuses new rentals at once; no port 22 fails with a message', () => {
    const p = new LifecyclePlanner(new Rng(4));
    const d = p.planStart(cmd('r'), true);
    expect(d).toMatchObject({ kind: 'fail', delayMs: 0, stopped: { reason: 'error', containerId: '' } });
    expect(d.kind === 'fail' && d.stopped.errorMessage).toMatch(/draining/);
    const noSsh = p.planStart(cmd('r', { '8888': 1 }));
    expect(noSsh.kind === 'fail' && noSsh.stopped.errorMessage).toMatch(/no entry for container port 22/);
  });

  it('stop: graceful within timeoutSeconds, forced is fast, reason requested', () => {
    const p = new LifecyclePlanner(new Rng(7), { gracefulStopMs: [5000, 9000] });
    const g = p.planStop({ rentalId: 'r', containerId: 'c', graceful: true, timeoutSeconds: 1 });
    expect(g.delayMs).toBe(1000);
    expect(g.stopped).toEqual({ rentalId: 'r', containerId: 'c', reason: 'requested', errorMessage: null });
    const k = p.planStop({ rentalId: 'r', containerId: 'c', graceful: false }, 'real-id');
    expect(k.delayMs).toBeLessThanOrEqual(200);
    expect(k.stopped.containerId).toBe('real-id');
  });

  it('rejects bad options with messages naming the option', () => {
    expect(() => new LifecyclePlanner(new Rng(1), { runFailureRate: 1.5 })).toThrow(/runFailureRate must be a probability in \[0, 1\], got 1.5/);
    expect(() => new LifecyclePlanner(new Rng(1), { runFailureRate: 0.6, timeoutRate: 0.6 })).toThrow(/runFailureRate \+ timeoutRate must be <= 1/);
    expect(() => new LifecyclePlanner(new Rng(1), { pullDelayMs: [10, 5] })).toThrow(/pullDelayMs must be \[min, max\]/);
  });
});
