import { describe, expect, it } from 'vitest';
import { AggregatorRegistry, Registry } from 'prom-client';
import { Tally } from './tally.js';
import { BatchedHistogram } from './batched-histogram.js';

describe('Tally', () => {
  it('adds per key, 1 by default', () => {
    const t = new Tally();
    t.add('a');
    t.add('a', 4);
    t.add('b');
    expect(t.get('a')).toBe(5);
    expect(t.get('b')).toBe(1);
    expect(t.get('none')).toBe(0);
    expect([...t.entries()]).toEqual([['a', 5], ['b', 1]]);
  });
});

describe('BatchedHistogram', () => {
  it('exposes cumulative buckets, +Inf, _sum and _count in the text format, like prom-client', async () => {
    const registry = new Registry();
    const h = new BatchedHistogram({ name: 'x_seconds', help: 'test', labelName: 'event', buckets: [0.1, 0.01, 1], registers: [registry] });
    const hb = h.series('heartbeat');
    for (const v of [0.005, 0.01, 0.05, 0.5, 2]) hb.observe(v);
    h.observe('other', 0.2);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE x_seconds histogram');
    expect(text).toContain('x_seconds_bucket{le="0.01",event="heartbeat"} 2'); // a bound is inclusive (le)
    expect(text).toContain('x_seconds_bucket{le="0.1",event="heartbeat"} 3');
    expect(text).toContain('x_seconds_bucket{le="1",event="heartbeat"} 4');
    expect(text).toContain('x_seconds_bucket{le="+Inf",event="heartbeat"} 5');
    expect(text).toContain('x_seconds_count{event="heartbeat"} 5');
    expect(text).toMatch(/x_seconds_sum\{event="heartbeat"\} 2\.565/);
    expect(text).toContain('x_seconds_bucket{le="0.1",event="other"} 0');
    expect(text).toContain('x_seconds_count{event="other"} 1');
    const json = await registry.getMetricsAsJSON();
    expect(json.find((m) => m.name === 'x_seconds')).toMatchObject({ type: 'histogram', aggregator: 'sum' });
    h.reset();
    expect(await registry.metrics()).not.toContain('x_seconds_count');
  });

  it('sums across processes in prom-client\'s AggregatorRegistry (cluster mode)', async () => {
    const worker = async (values: number[]) => {
      const registry = new Registry();
      const h = new BatchedHistogram({ name: 'y_seconds', help: 'test', labelName: 'event', buckets: [0.01, 0.1], registers: [registry] });
      for (const v of values) h.observe('heartbeat', v);
      return registry.getMetricsAsJSON();
    };
    const merged = AggregatorRegistry.aggregate([await worker([0.005, 0.05]), await worker([0.5])]);
    const text = await merged.metrics();
    expect(text).toContain('y_seconds_bucket{le="0.01",event="heartbeat"} 1');
    expect(text).toContain('y_seconds_bucket{le="0.1",event="heartbeat"} 2');
    expect(text).toContain('y_seconds_bucket{le="+Inf",event="heartbeat"} 3');
    expect(text).toContain('y_seconds_count{event="heartbeat"} 3');
  });
});
