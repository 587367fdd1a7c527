import { describe, expect, it } from 'vitest';
import { Rng } from '../model/rng.js';
import { LatencyHistogram } from './histogram.js';
import { C, G, H, mergeReports, missingShards, Report, REPORT_VERSION, type ReportMeta } from './report.js';

const meta = (shards: string[], over: Partial<ReportMeta> = {}): ReportMeta => ({
  dialect: 'fleet',
  seed: '42',
  fleetAgents: 100,
  shards,
  startedAt: '2024-01-01T00:00:00.000Z',
  endedAt: '2024-01-01T00:01:00.000Z',
  ...over,
});

/** Deterministic "samples" of a run: per agent, latencies and counters. */
function simulate(agents: number[], into: (agent: number) => Report): void {
  for (const a of agents) {
    const r = into(a);
    const rng = new Rng(1).fork(a);
    for (let i = 0; i < 200; i++) r.recordLatency(H.ack, rng.exponential(3) + (rng.chance(0.01) ? 400 : 0));
    r.recordLatency(H.connect, rng.range(1, 50));
    r.count(C.heartbeatsSent, 200);
    r.count(C.heartbeatsAcked, 199);
    r.count(C.messagesSent, 200);
    if (rng.chance(0.1)) r.count(C.reconnects);
    if (rng.chance(0.05)) r.count(C.errors);
  }
}

describe('LatencyHistogram', () => {
  it('percentiles in ms with sub-ms precision; empty is all zeros', () => {
    const h = new LatencyHistogram();
    expect([h.percentileMs(99), h.maxMs, h.minMs, h.meanMs, h.count]).toEqual([0, 0, 0, 0, 0]);
    for (let i = 1; i <= 1000; i++) h.record(i / 10); // 0.1 … 100 ms
    expect(h.count).toBe(1000);
    expect(h.percentileMs(50)).toBeCloseTo(50, 0);
    expect(h.percentileMs(99)).toBeCloseTo(99, 0);
    expect(h.maxMs).toBeCloseTo(100, 0);
    expect(h.minMs).toBeCloseTo(0.1, 3);
    h.record(-1);
    h.record(Number.NaN);
    expect(h.count).toBe(1000);
    h.record(10 * 3_600_000); // 10 h: clamped, not thrown
    expect(h.maxMs).toBeCloseTo(3_600_000, -4);
  });

  it('encode/decode round-trips; garbage is refused with a reason', () => {
    const h = new LatencyHistogram();
    h.record(1.5, 3);
    h.record(250);
    const back = LatencyHistogram.decode(h.encode());
    expect(back.count).toBe(4);
    expect(back.encode()).toBe(h.encode());
    expect(() => LatencyHistogram.decode('not base64 at all!')).toThrow(/not an encoded HdrHistogram/);
  });
});

describe('percentiles against max', () => {
  it('no percentile of a histogram exceeds its max, whatever the samples (p99 38.6ms over max 38.5ms was printed)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const h = new LatencyHistogram();
      const n = 1 + Math.floor(rnd() * 50);
      for (let i = 0; i < n; i++) h.record(rnd() * 10 ** (1 + rnd() * 4));
      for (const p of [50, 90, 95, 99, 99.9, 100]) expect(h.percentileMs(p)).toBeLessThanOrEqual(h.maxMs);
      const merged = new LatencyHistogram();
      merged.add(h);
      expect(merged.maxMs).toBe(h.maxMs);
    }
    const one = new LatencyHistogram();
    one.record(38.55);
    expect(one.percentileMs(99)).toBeLessThanOrEqual(one.maxMs);
  });
});

describe('Report', () => {
  it('merging two shard reports equals the report of the whole run (JSON-identical but for the shard list)', () => {
    const all = Array.from({ length: 100 }, (_, i) => i);
    const whole = new Report(meta(['0/1']));
    simulate(all, () => whole);
    whole.setGauge(G.connected, 97);
    whole.setGauge(G.target, 100);

    const a = new Report(meta(['0/2']));
    const b = new Report(meta(['1/2'], { endedAt: '2024-01-01T00:00:59.000Z' }));
    simulate(all, (agent) => (agent < 50 ? a : b)); // the same samples, split
    a.setGauge(G.connected, 49);
    a.setGauge(G.target, 50);
    b.setGauge(G.connected, 48);
    b.setGauge(G.target, 50);

    // Through JSON, as `fleetwire-sim merge a.json b.json` does.
    const fromFile = (r: Report) => Report.fromJSON(JSON.parse(JSON.stringify(r)));
    const merged = mergeReports([fromFile(b), fromFile(a)]);
    const strip = (r: Report) => ({ ...r.toJSON(), meta: { ...r.toJSON().meta, shards: [] } });
    expect(strip(merged)).toEqual(strip(whole));
    expect(merged.meta.shards).toEqual(['0/2', '1/2']);
    expect(merged.p99(H.ack)).toBe(whole.p99(H.ack));
    expect(merged.p99(H.ack)).toBeGreaterThan(merged.p50(H.ack)); // the 1 % slow tail shows
    expect(merged.counter(C.heartbeatsSent)).toBe(20_000);
    expect(merged.gauge(G.connected)).toBe(97);
    expect(missingShards(merged.meta)).toEqual([]);
  });

  it('averaging shard percentiles would be wrong; the merge is not', () => {
    const fast = new Report(meta(['0/2']));
    const slow = new Report(meta(['1/2']));
    for (let i = 0; i < 990; i++) fast.recordLatency(H.ack, 1);
    for (let i = 0; i < 10; i++) slow.recordLatency(H.ack, 500);
    const merged = mergeReports([fast, slow]);
    expect(merged.p99(H.ack)).toBeCloseTo(1, 1); // 99 % of all samples are 1 ms
    expect(merged.max(H.ack)).toBeCloseTo(500, 0);
    expect((fast.p99(H.ack) + slow.p99(H.ack)) / 2).toBeGreaterThan(200); // the naive answer
  });

  it('JSON has a version field and sorted keys; other versions and formats are refused clearly', () => {
    const r = new Report(meta(['0/1']));
    r.count('zeta');
    r.count('alpha', 2);
    const json = r.toJSON();
    expect(json.version).toBe(REPORT_VERSION);
    expect(json.format).toBe('fleetwire-sim-report');
    expect(Object.keys(json.counters)).toEqual(['alpha', 'zeta']);
    expect(json.durationMs).toBe(60_000);
    expect(() => Report.fromJSON({ ...json, version: 99 }, 'a.json')).toThrow(/a\.json: report version 99 is not supported/);
    expect(() => Report.fromJSON({ hello: 1 }, 'b.json')).toThrow(/b\.json: not a fleetwire-sim report/);
    expect(() => Report.fromJSON({ ...json, counters: { x: 'no' } })).toThrow(/counters\.x is not a number/);
    expect(() => Report.fromJSON({ ...json, histograms: { ack: '???' } })).toThrow(/histograms\.ack: not an encoded HdrHistogram/);
  });

  it('refuses to merge different runs or the same shard twice, and lists missing shards', () => {
    const a = new Report(meta(['0/3']));
    expect(() => mergeReports([a, new Report(meta(['1/3'], { seed: '7' }))])).toThrow(/different runs: seed is "42" in one and "7"/);
    expect(() => mergeReports([a, new Report(meta(['0/3']))])).toThrow(/shard 0\/3 appears in more than one report/);
    expect(() => mergeReports([])).toThrow(/at least one report/);
    const partial = mergeReports([a, new Report(meta(['2/3']))]);
    expect(missingShards(partial.meta)).toEqual(['1/3']);
  });
});

describe('LatencyHistogram snapshots', () => {
  it('clone + subtract leaves exactly the samples recorded since the snapshot', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100; i++) h.record(500); // a slow ramp
    const snap = h.clone();
    for (let i = 0; i < 1000; i++) h.record(2); // a fast steady state
    const since = h.clone();
    since.subtract(snap);
    expect(since.count).toBe(1000);
    expect(since.percentileMs(99)).toBeLessThan(3);
    expect(h.count).toBe(1100);
    expect(h.percentileMs(99)).toBeGreaterThan(400);
  });
});

