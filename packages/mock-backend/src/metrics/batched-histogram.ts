/**
 * A Prometheus histogram whose hot path is a bucket search and three number
 * increments on a preallocated series — no label hashing, no object per
 * observation — and whose exposition is built only when scraped. prom-client's
 * Histogram hashes its labels and walks objects on every `observe`, which at
 * thousands of acks per second showed in the mock's profile (issue 16).
 *
 * It implements the part of prom-client's metric contract a Registry reads
 * (`name`, `help`, `type`, `aggregator`, `get()`), so it is registered like any
 * other metric, appears in `registry.metrics()` in the text format, and sums
 * correctly across cluster workers (prom-client's AggregatorRegistry).
 */
import type { Registry } from 'prom-client';

/** One label value's counts; keep the object and call `observe` on it directly. */
export class HistogramSeries {
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Records one value (in the histogram's unit, e.g. seconds). */
  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

export interface BatchedHistogramOptions {
  name: string;
  help: string;
  /** The one label that tells series apart (e.g. `event`). */
  labelName: string;
  /** Upper bounds, ascending; +Inf is added. */
  buckets: readonly number[];
  registers: Registry[];
}

/** See the file comment. `series(value)` once, then `observe` on what it returns. */
export class BatchedHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly bounds: readonly number[];
  private readonly byLabel = new Map<string, HistogramSeries>();

  constructor(private readonly o: BatchedHistogramOptions) {
    this.name = o.name;
    this.help = o.help;
    this.bounds = [...o.buckets].sort((a, b) => a - b);
    for (const r of o.registers) r.registerMetric(this as never);
  }

  /** The series of one label value, created on first use. */
  series(labelValue: string): HistogramSeries {
    let s = this.byLabel.get(labelValue);
    if (!s) {
      s = new HistogramSeries(this.bounds);
      this.byLabel.set(labelValue, s);
    }
    return s;
  }

  observe(labelValue: string, value: number): void {
    this.series(labelValue).observe(value);
  }

  /** What prom-client's Registry reads: cumulative buckets, `_sum` and `_count` per series. */
  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: { metricName: string; labels: Record<string, string | number>; value: number }[] }> {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const [label, s] of this.byLabel) {
      let acc = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        acc += s.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: i < this.bounds.length ? this.bounds[i]! : '+Inf', [this.o.labelName]: label }, value: acc });
      }
      values.push({ metricName: `${this.name}_sum`, labels: { [this.o.labelName]: label }, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: { [this.o.labelName]: label }, value: s.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Forgets every observation (prom-client's `reset`). */
  reset(): void {
    this.byLabel.clear();
  }
}
