import { describe, expect, it } from 'vitest';
import { CONTROL_PLANE_EVENTS, controlPlaneValidators as V } from '../src/protocols/control-plane/messages.js';
import { isPattern, matchesPattern, patternsFor } from '../src/protocols/control-plane/events.js';

const T = '2024-01-15T10:30:00.000Z';
/** One valid payload per event; the three documented ones copied from control-plane.md. */
export const validPayloads: Record<string, Record<string, unknown>> = {
  'job:created': { jobId: 'j', jobRunId: 'r', type: 'INSTALL', status: 'PENDING', createdAt: T },
  'job:progress': { jobId: '550e8400-e29b-41d4-a716-446655440000', jobRunId: '660e8400-e29b-41d4-a716-446655440001', status: 'RUNNING', percent: 45, message: 'Installing server files...', timestamp: T },
  'job:completed': { jobId: '550e8400', jobRunId: '660e8400', result: { buildId: '12345678', installPath: 'D:\\Ark' }, completedAt: '2024-01-15T10:35:00.000Z' },
  'job:failed': { jobId: 'j', jobRunId: 'r', error: { message: 'disk full' }, failedAt: T },
  'job:cancelled': { jobId: 'j', jobRunId: 'r', cancelledAt: T },
  'instance:created': { instanceId: 'i', status: 'RUNNING', createdAt: T },
  'instance:updated': { instanceId: 'i', changes: { name: 'x' }, updatedAt: T },
  'instance:status_changed': { instanceId: '770e8400-e29b-41d4-a716-446655440002', status: 'RUNNING', changedAt: '2024-01-15T10:40:00.000Z' },
  'instance:deleted': { instanceId: 'i', deletedAt: T },
  'instance:log': { instanceId: 'i', level: 'info', message: 'hello', timestamp: T },
  'agent:registered': { agentId: 'a', registeredAt: T },
  'agent:heartbeat': { agentId: 'a', timestamp: T },
  'agent:offline': { agentId: 'a', lastSeenAt: T },
  'system:error': { code: 'DB_DOWN', message: 'database unreachable', timestamp: T },
};

describe('control-plane schemas', () => {
  it('cover the 14 events of the document, each accepting its payload and extra fields', () => {
    expect(CONTROL_PLANE_EVENTS).toHaveLength(14);
    for (const e of CONTROL_PLANE_EVENTS) {
      const v = V[e] as { check(x: unknown): boolean; explain(x: unknown): string[] };
      expect(v.explain({ event: e, data: validPayloads[e] }), e).toEqual([]);
      expect(v.check({ event: e, data: { ...validPayloads[e], extra: [1] }, meta: 'x' }), e).toBe(true);
    }
  });

  it('reject each event with a required field missing or mistyped', () => {
    for (const e of CONTROL_PLANE_EVENTS) {
      const v = V[e] as { check(x: unknown): boolean };
      const data = validPayloads[e]!;
      const first = Object.keys(data)[0]!;
      const { [first]: _, ...missing } = data;
      expect(v.check({ event: e, data: missing }), `${e} without ${first}`).toBe(false);
      expect(v.check({ event: e, data: { ...data, [first]: 42 } }), `${e} with numeric ${first}`).toBe(false);
      expect(v.check({ event: e }), `${e} without data`).toBe(false);
    }
    expect(V['job:progress'].check({ event: 'job:progress', data: { ...validPayloads['job:progress'], percent: 101 } })).toBe(false);
    expect(V['instance:log'].check({ event: 'instance:log', data: { ...validPayloads['instance:log'], level: 'loud' } })).toBe(false);
  });
});

describe('subscription patterns', () => {
  it('match exact names, category wildcards and *', () => {
    expect(matchesPattern('job:progress', 'job:progress')).toBe(true);
    expect(matchesPattern('job:progress', 'job:completed')).toBe(false);
    expect(matchesPattern('job:*', 'job:progress')).toBe(true);
    expect(matchesPattern('job:*', 'instance:created')).toBe(false);
    // A category prefix is not enough: `job:*` must not select `jobs:x` or `job_x:y`.
    expect(matchesPattern('job:*', 'jobs:created')).toBe(false);
    expect(matchesPattern('instance:*', 'instance:status_changed')).toBe(true);
    expect(matchesPattern('*', 'system:error')).toBe(true);
  });

  it('deliver each event to exactly its name, its category and *', () => {
    expect(patternsFor('instance:status_changed')).toEqual(['instance:status_changed', 'instance:*', '*']);
    for (const e of CONTROL_PLANE_EVENTS) for (const p of patternsFor(e)) expect(matchesPattern(p, e)).toBe(true);
  });

  it('validate pattern syntax', () => {
    for (const p of ['*', 'job:*', 'job:progress', 'instance:status_changed']) expect(isPattern(p), p).toBe(true);
    for (const p of ['', 'job', '*:progress', 'job:*:x', 'Job:Progress', 'job:']) expect(isPattern(p), p).toBe(false);
  });
});
