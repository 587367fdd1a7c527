/**
 * The per-second time series of a run (report schema v2, `series`): sampled once
 * a second from the live report by the runner, as differences of its cumulative
 * counters, so it works the same for one thread, worker threads and child
 * processes (their reports are merged before sampling).
 *
 * Ack percentiles per second come from the difference of two snapshots of the
 * `ack` HDR histogram (the samples of that second only), so they are exact.
 */
import { LatencyHistogram } from './histogram.js';
import { C, G, H, type Report } from './report.js';

/** The JSON form (`report.series`). Every array has one entry per sample, aligned with `t`. */
export interface SeriesJSON {
  /** Nominal sampling period, ms (1000). */
  intervalMs: number;
  /** Seconds since the run started, at each sample. */
  t: number[];
  /** Agents connected at the sample. */
  connected: number[];
  /** Heartbeats sent per second (fleet). */
  heartbeats_per_s: number[];
  /** Acks received per second: heartbeat and lifecycle-event acks (fleet). */
  acks_per_s: number[];
  /** Metrics messages sent per second (monitor, vstats). */
  metrics_per_s: number[];
  /** Heartbeat ack latency of the acks received in that second, ms; null when there were none. */
  ack_p50_ms: (number | null)[];
  ack_p95_ms: (number | null)[];
  ack_p99_ms: (number | null)[];
  /** Errors in that second (the `errors` counter's increase). */
  errors: number[];
  /** Errors in that second by code (`errors.<code>` increases); a code seen once has an entry in every sample. */
  errors_by_code: Record<string, number[]>;
  reconnects: number[];
  /** Lifecycle counts in that second (fleet): start commands, instances started, stopped, failed. */
  start_commands: number[];
  instances_started: number[];
  instances_stopped: number[];
  instances_failed: number[];
}

/** Counters sampled as per-second differences: series field → report counter (a function: report.ts imports this module). */
const rates = (): [keyof SeriesJSON, string][] => [
  ['heartbeats_per_s', C.heartbeatsSent],
  ['metrics_per_s', C.metricsSent],
  ['errors', C.errors],
  ['reconnects', C.reconnects],
  ['start_commands', C.startCommands],
  ['instances_started', C.instancesStarted],
  ['instances_stopped', C.instancesStopped],
  ['instances_failed', C.instancesFailed],
];

export function emptySeries(intervalMs = 1000): SeriesJSON {
  return {
    intervalMs,
    t: [],
    connected: [],
    heartbeats_per_s: [],
    acks_per_s: [],
    metrics_per_s: [],
    ack_p50_ms: [],
    ack_p95_ms: [],
    ack_p99_ms: [],
    errors: [],
    errors_by_code: {},
    reconnects: [],
    start_commands: [],
    instances_started: [],
    instances_stopped: [],
    instances_failed: [],
  };
}

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Samples a live report once per call (the runner calls it every second and once at the end). */
export class SeriesSampler {
  readonly series = emptySeries();
  private prevCounters: Record<string, number> = {};
  private prevAck: LatencyHistogram | null = null;
  private prevAt = 0;

  /** Takes one sample of `report` at `elapsedMs` since the run started. */
  sample(report: Report, elapsedMs: number): void {
    const s = this.series;
    const dt = Math.max(1, elapsedMs - this.prevAt) / 1000;
    const delta = (name: string) => report.counter(name) - (this.prevCounters[name] ?? 0);
    s.t.push(round(elapsedMs / 1000));
    s.connected.push(report.gauge(G.connected));
    for (const [field, counter] of rates()) {
      const d = delta(counter);
      (s[field] as number[]).push(field.endsWith('_per_s') ? round(d / dt, 2) : d);
    }
    s.acks_per_s.push(round((delta(C.heartbeatsAcked) + delta(C.eventsAcked)) / dt, 2));
    const n = s.t.length;
    for (const name of Object.keys(report.counters)) {
      if (!name.startsWith('errors.')) continue;
      const code = name.slice('errors.'.length);
      const arr = (s.errors_by_code[code] ??= new Array<number>(n - 1).fill(0));
      arr.push(delta(name));
    }
    for (const arr of Object.values(s.errors_by_code)) if (arr.length < n) arr.push(0);
    const ack = report.findHistogram(H.ack);
    if (ack) {
      const now = ack.clone();
      const second = now.clone();
      if (this.prevAck) second.subtract(this.prevAck);
      const has = second.count > 0;
      s.ack_p50_ms.push(has ? second.percentileMs(50) : null);
      s.ack_p95_ms.push(has ? second.percentileMs(95) : null);
      s.ack_p99_ms.push(has ? second.percentileMs(99) : null);
      this.prevAck = now;
    } else {
      s.ack_p50_ms.push(null);
      s.ack_p95_ms.push(null);
      s.ack_p99_ms.push(null);
    }
    this.prevCounters = { ...report.counters };
    this.prevAt = elapsedMs;
  }
}

/**
 * Merges the series of disjoint shards sample by sample (index i = second i of
 * each shard): counts and rates add, connected adds, ack percentiles take the
 * largest shard's value (an upper bound: per-second histograms are not kept).
 */
export function mergeSeries(all: readonly SeriesJSON[]): SeriesJSON {
  const out = emptySeries(all[0]?.intervalMs ?? 1000);
  const len = Math.max(0, ...all.map((s) => s.t.length));
  const sum = (pick: (s: SeriesJSON) => number[] | undefined, i: number) => all.reduce((acc, s) => acc + (pick(s)?.[i] ?? 0), 0);
  const maxOf = (pick: (s: SeriesJSON) => (number | null)[], i: number) => {
    const v = all.map((s) => pick(s)[i]).filter((x): x is number => typeof x === 'number');
    return v.length ? Math.max(...v) : null;
  };
  const codes = [...new Set(all.flatMap((s) => Object.keys(s.errors_by_code)))].sort();
  for (let i = 0; i < len; i++) {
    out.t.push(Math.max(...all.map((s) => s.t[i] ?? 0)));
    for (const f of ['connected', 'heartbeats_per_s', 'acks_per_s', 'metrics_per_s', 'errors', 'reconnects', 'start_commands', 'instances_started', 'instances_stopped', 'instances_failed'] as const) {
      out[f].push(round(sum((s) => s[f], i), 2));
    }
    for (const f of ['ack_p50_ms', 'ack_p95_ms', 'ack_p99_ms'] as const) out[f].push(maxOf((s) => s[f], i));
    for (const c of codes) (out.errors_by_code[c] ??= []).push(sum((s) => s.errors_by_code[c], i));
  }
  return out;
}

/** Checks a parsed `series` value; returns why it is not one, or null. */
export function seriesProblem(v: unknown): string | null {
  if (!v || typeof v !== 'object') return 'is not an object';
  const s = v as Record<string, unknown>;
  if (!Array.isArray(s['t'])) return 't is not an array';
  const n = (s['t'] as unknown[]).length;
  for (const k of ['connected', 'heartbeats_per_s', 'acks_per_s', 'errors', 'reconnects']) {
    if (!Array.isArray(s[k]) || (s[k] as unknown[]).length !== n) return `${k} is not an array of ${n} samples`;
  }
  return null;
}
