import { describe, expect, it } from 'vitest';
import { vstatsAgentValidators as A, vstatsDashboardValidators as D, systemMetricsValidator } from '../src/protocols/vstats/messages.js';
import { sampleReport } from './vstats-fixtures.js';

const ts = '2024-01-01T12:00:00Z';

describe('vstats schemas', () => {
  it('accept every example message of vstats.md', () => {
    expect(A.metrics.check({ type: 'metrics', data: sampleReport() })).toBe(true);
    expect(A.heartbeat.check({ type: 'heartbeat', timestamp: ts })).toBe(true);
    const dash = { cpu: { usage: 45.2, cores: 4 }, memory: { total: 8589934592, used: 4294967296 }, disks: [], network: { rx: 1024, tx: 2048 } };
    expect(D.metrics.check({ type: 'metrics', data: { server_id: 'abc123', metrics: dash }, timestamp: ts })).toBe(true);
    expect(D.status.check({ type: 'status', data: { server_id: 'abc123', online: true }, timestamp: ts })).toBe(true);
    expect(D.server_added.check({ type: 'server_added', data: { id: 'abc123', name: 'new-server', location: 'US-West' } })).toBe(true);
    expect(D.server_removed.check({ type: 'server_removed', data: { id: 'abc123' } })).toBe(true);
  });

  it('accept unknown extra fields at every level', () => {
    const r = sampleReport({ gpu: [{ name: 'A100' }], cpu: { ...sampleReport().cpu, temperature: 61 } });
    expect(A.metrics.check({ type: 'metrics', data: r, extra: 1 })).toBe(true);
    expect(D.status.check({ type: 'status', data: { server_id: 'a', online: false, reason: 'x' }, timestamp: ts, v: 2 })).toBe(true);
  });

  it('reject a missing or mistyped required field, and say where', () => {
    const { load_average: _, ...noLoad } = sampleReport();
    expect(systemMetricsValidator.check(noLoad)).toBe(false);
    expect(systemMetricsValidator.explain(noLoad).join()).toMatch(/load_average/);
    const badCores = sampleReport({ cpu: { ...sampleReport().cpu, cores: '8' } });
    expect(systemMetricsValidator.explain(badCores).join()).toMatch(/\/cpu\/cores/);
    expect(A.heartbeat.check({ type: 'heartbeat' })).toBe(false);
    expect(D.status.check({ type: 'status', data: { server_id: 'a', online: 'yes' }, timestamp: ts })).toBe(false);
    expect(D.metrics.check({ type: 'metrics', data: { server_id: 'a', metrics: { cpu: { usage: 1, cores: 1 } } }, timestamp: ts })).toBe(false);
    expect(D.server_added.check({ type: 'server_added', data: { id: 'a', name: 'n' } })).toBe(false);
    expect(D.server_removed.check({ type: 'server_removed', data: {} })).toBe(false);
  });
});
