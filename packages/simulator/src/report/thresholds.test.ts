import { describe, expect, it } from 'vitest';
import { C, G, H, Report } from './report.js';
import { evaluateThresholds, parseThreshold, parseThresholds } from './thresholds.js';

function report(): Report {
  const r = new Report({ dialect: 'fleet', seed: '1', fleetAgents: 1000, shards: ['0/1'], startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:01:40.000Z' });
  for (let i = 1; i <= 100; i++) r.recordLatency(H.ack, i); // p50 = 50ms, p99 = 99ms, max 100
  r.count(C.messagesSent, 10_000);
  r.count(C.errors, 5); // 0.05 %
  r.count(C.reconnects, 12);
  r.count(C.heartbeatsSent, 10_000);
  r.count(C.heartbeatsAcked, 9_990);
  r.setGauge(G.connected, 995);
  r.setGauge(G.target, 1000);
  return r;
}

const verdicts = (exprs: string[]) => evaluateThresholds(report(), parseThresholds(exprs)).map((x) => [x.expr, x.pass, x.actualText]);

describe('parseThreshold', () => {
  it('reads latency limits in ms from ms/s/m or bare numbers, percentages and counts', () => {
    expect(parseThreshold('ack_p99<100ms')).toMatchObject({ metric: 'ack_p99', op: '<', limit: 100, unit: 'ms' });
    expect(parseThreshold('ack_p95<=2s')).toMatchObject({ op: '<=', limit: 2000, unit: 'ms' });
    expect(parseThreshold('connect_p99.9 < 250')).toMatchObject({ metric: 'connect_p99.9', limit: 250, unit: 'ms' });
    expect(parseThreshold('errors<0.1%')).toMatchObject({ metric: 'errors', limit: 0.1, unit: '%' });
    expect(parseThreshold('connected>=99%')).toMatchObject({ op: '>=', limit: 99, unit: '%' });
    expect(parseThreshold('reconnects<10')).toMatchObject({ limit: 10, unit: 'count' });
  });

  it('explains bad expressions, naming the expression and listing the known metrics', () => {
    expect(() => parseThreshold('ack_p99<<100ms')).toThrow(/bad threshold "ack_p99<<100ms": "<100ms" is not a duration/);
    expect(() => parseThreshold('latency<5ms')).toThrow(/bad threshold "latency<5ms": unknown metric "latency"\. Known metrics: latency: ack_p50\|p95\|p99.*counts: errors, connected, reconnects/);
    expect(() => parseThreshold('ack_p99')).toThrow(/expected <metric><op><value>, e\.g\. ack_p99<100ms/);
    expect(() => parseThreshold('errors<lots')).toThrow(/"lots" is not a number or a percentage/);
    expect(() => parseThreshold('heartbeat_rate>50%')).toThrow(/no base to take a percentage of/);
    expect(() => parseThreshold('ack_p101<1s')).toThrow(/percentile 101 is over 100/);
    expect(() => parseThreshold('ack_p99<5%')).toThrow(/is not a duration/);
  });

  it('parseThresholds reports every bad expression at once, with an error code', () => {
    try {
      parseThresholds(['ack_p99<1s', 'foo<1', 'errors<x']);
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; message: string };
      expect(e.code).toBe('FW_INVALID_ARGUMENT');
      expect(e.message).toMatch(/"foo<1".*; bad threshold "errors<x".*Known metrics/);
      expect(e.message.match(/Known metrics/g)).toHaveLength(1);
    }
  });
});

describe('evaluateThresholds', () => {
  it('passes and fails with the actual values', () => {
    expect(verdicts(['ack_p99<100ms', 'ack_p99<90ms', 'ack_p50<=50.1ms', 'ack_max<1s', 'ack_p95<=2s'])).toEqual([
      ['ack_p99<100ms', true, '99.0ms'],
      ['ack_p99<90ms', false, '99.0ms'],
      ['ack_p50<=50.1ms', true, '50.0ms'],
      ['ack_max<1s', true, '100.0ms'],
      ['ack_p95<=2s', true, '95.0ms'],
    ]);
    expect(verdicts(['errors<0.1%', 'errors<0.01%', 'errors<=5', 'connected>=99%', 'connected>=99.9%', 'reconnects<10', 'heartbeats>=99.9%', 'heartbeat_rate>99'])).toEqual([
      ['errors<0.1%', true, '0.05%'],
      ['errors<0.01%', false, '0.05%'],
      ['errors<=5', true, '5'],
      ['connected>=99%', true, '99.5%'],
      ['connected>=99.9%', false, '99.5%'],
      ['reconnects<10', false, '12'],
      ['heartbeats>=99.9%', true, '99.9%'],
      ['heartbeat_rate>99', true, '99.9'],
    ]);
  });

  it('HDR precision is conservative: a percentile reads at most 0.1 % high, never low', () => {
    const [res] = evaluateThresholds(report(), [parseThreshold('ack_p50<=50ms')]);
    expect(res!.actual).toBeGreaterThanOrEqual(50);
    expect(res!.actual).toBeLessThan(50.05);
  });

  it('a latency threshold with no samples fails ("no samples"), and reading does not add histograms', () => {
    const r = report();
    const [res] = evaluateThresholds(r, [parseThreshold('connect_p99<1s')]);
    expect(res).toMatchObject({ pass: false, actualText: 'no samples' });
    expect(r.histogramNames()).toEqual(['ack']);
  });
});

describe('threshold metric names that are Object.prototype members (issue 10)', () => {
  it('are unknown metrics with the usual message, not a lookup of Object.prototype', () => {
    for (const n of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) {
      expect(() => parseThreshold(`${n}<5`), n).toThrow(/unknown metric|expected <metric><op><value>/);
    }
  });
});
