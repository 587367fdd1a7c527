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

describe('thresholds on metrics without samples', () => {
  // What k6 hands handleSummary when nothing was measured (setup() aborted, every iteration threw):
  // its thresholds say ok, since k6 passes Rate and Trend thresholds with no samples.
  const empty: SummaryData = {
    metrics: {
      lightd_logs_ms: { type: 'trend', contains: 'time', values: { avg: 0, min: 0, med: 0, max: 0, 'p(95)': 0, count: 0 }, thresholds: { 'p(95)<500': { ok: true } } },
      lightd_lifecycle_success: { type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 0 }, thresholds: { 'rate>0.99': { ok: true } } },
      lightd_protocol_errors: { type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { 'count<1': { ok: true } } },
    },
  };
  it('never says "all passed"; marks each such threshold', () => {
    const text = textSummary(empty, 'lightd', 'lightd_');
    expect(text).not.toContain('all passed');
    expect(text).toContain('THRESHOLDS (2 without samples)');
    expect(text).toMatch(/\? lightd_lifecycle_success: rate>0.99 — no samples/);
    expect(text).toContain('✓ lightd_protocol_errors: count<1');
  });
  it('counts failures first', () => {
    const failing: SummaryData = { metrics: { ...empty.metrics, lightd_sessions: { type: 'counter', values: { count: 0, rate: 0 }, thresholds: { 'count>0': { ok: false } } } } };
    expect(textSummary(failing, 'lightd', 'lightd_')).toContain('THRESHOLDS (1 failed, 2 without samples)');
  });
  it('shows p(99) when k6 computed it', () => {
    const text = textSummary({ metrics: { t: { type: 'trend', contains: 'time', values: { avg: 1, min: 1, med: 1, max: 1, 'p(90)': 1, 'p(95)': 1, 'p(99)': 12.5, count: 3 } } } }, 'x', 'x_');
    expect(text).toContain('p(99)=12.50ms');
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
