import { describe, expect, it } from 'vitest';
import { summaryOutputs, textSummary, type SummaryData } from './summary.ts';

const data: SummaryData = {
  state: { testRunDurationMs: 70_500 },
  metrics: {
    ws_sessions: { type: 'counter', contains: 'default', values: { count: 20, rate: 0.28 } },
    fleet_heartbeat_ack_ms: {
      type: 'trend',
      contains: 'time',
      values: { avg: 2.5, min: 0.8, med: 2.1, max: 1500, 'p(90)': 4.2, 'p(95)': 6.9 },
      thresholds: { 'p(95)<250': { ok: true } },
    },
    fleet_lifecycle_success: { type: 'rate', contains: 'default', values: { rate: 0.95, passes: 19, fails: 1 }, thresholds: { 'rate>0.99': { ok: false } } },
    fleet_protocol_errors: { type: 'counter', contains: 'default', values: { count: 0, rate: 0 } },
    data_received: { type: 'counter', contains: 'data', values: { count: 2_500_000, rate: 35000 } },
  },
};

describe('textSummary', () => {
  const text = textSummary(data, 'fleet — 20 agents', 'fleet_');
  it('lists the dialect’s metrics before k6’s', () => {
    const order = ['fleet_heartbeat_ack_ms', 'fleet_lifecycle_success', 'fleet_protocol_errors', 'data_received', 'ws_sessions'].map((n) => text.indexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
  it('marks thresholds and counts failures', () => {
    expect(text).toContain('THRESHOLDS (1 failed)');
    expect(text).toContain('✓ fleet_heartbeat_ack_ms: p(95)<250');
    expect(text).toContain('✗ fleet_lifecycle_success: rate>0.99');
  });
  it('formats times, rates and data', () => {
    expect(text).toContain('p(95)=6.90ms');
    expect(text).toContain('max=1.50s');
    expect(text).toContain('95.00% ✓ 19 ✗ 1');
    expect(text).toContain('2.50 MB');
    expect(text).toContain('70.5s');
  });
});

describe('summaryOutputs', () => {
  it('writes stdout and the JSON file, or only stdout with "-"', () => {
    const out = summaryOutputs(data, 't', 'fleet_', 'out.json');
    expect(Object.keys(out).sort()).toEqual(['out.json', 'stdout']);
    expect(JSON.parse(out['out.json'] as string)).toEqual(data);
    expect(Object.keys(summaryOutputs(data, 't', 'fleet_', '-'))).toEqual(['stdout']);
  });
});
