/**
 * What k6 does at the end of a run, modelled on its source so the Node shim can
 * tell whether a real `k6 run` would exit 0 or not:
 *
 * - thresholds are evaluated one last time with empty sinks *included*
 *   (metrics/engine `evaluateThresholds(ignoreEmptySinks=false)`): an empty
 *   Counter has count 0, an empty Trend has 0 for every statistic, and an
 *   empty Rate has no `rate` at all, so its threshold errors and is treated as
 *   not breached. That is why `rate>0.99` and `p(95)<250` pass when nothing
 *   was measured, and `count>0` on a Counter does not (grafana/k6#1346, #4283);
 * - Trend percentiles interpolate linearly between the sorted samples
 *   (TrendSink.P);
 * - `handleSummary` data holds every metric with samples or thresholds; trend
 *   values are the `summaryTrendStats` (default avg, min, med, max, p(90), p(95));
 * - exit codes: 107 when init or setup() throws, 99 when a threshold failed, else 0.
 */

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export interface Sample {
  value: number;
  tags?: Record<string, string>;
}
export interface MetricDef {
  type: MetricType;
  contains: 'default' | 'time';
}

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

/** k6's TrendSink.P: linear interpolation between the two nearest sorted samples. */
export function percentile(sorted: number[], pct: number): number {
  if (sorted.length === 0) return 0;
  if (sorted.length === 1) return sorted[0] as number;
  const i = pct * (sorted.length - 1);
  const lo = sorted[Math.floor(i)] as number;
  const hi = sorted[Math.ceil(i)] as number;
  return lo + (hi - lo) * (i - Math.floor(i));
}

/** The aggregates a threshold can read, per sink type; a missing key is a threshold error. */
function sinked(type: MetricType, values: number[], durationSec: number, trendKeys: string[]): Record<string, number> {
  switch (type) {
    case 'counter': {
      const count = values.reduce((a, b) => a + b, 0);
      return { count, rate: durationSec > 0 ? count / durationSec : 0 };
    }
    case 'gauge':
      return { value: values.length ? (values[values.length - 1] as number) : 0 };
    case 'rate': {
      // k6 leaves `rate` out of an empty Rate sink to avoid 0/0 (#2520).
      if (values.length === 0) return { passes: 0, fails: 0 };
      const passes = values.filter((v) => v !== 0).length;
      return { rate: passes / values.length, passes, fails: values.length - passes };
    }
    case 'trend': {
      const s = [...values].sort((a, b) => a - b);
      const out: Record<string, number> = {
        avg: s.length ? s.reduce((a, b) => a + b, 0) / s.length : 0,
        min: s.length ? (s[0] as number) : 0,
        max: s.length ? (s[s.length - 1] as number) : 0,
        med: percentile(s, 0.5),
        count: s.length,
      };
      for (const k of trendKeys) {
        const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(k);
        if (m) out[k] = percentile(s, Number(m[1]) / 100);
      }
      return out;
    }
  }
}

const EXPR = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** One threshold expression against the sink: true = passed; a missing aggregate counts as passed (k6 logs "Threshold error"). */
export function thresholdPasses(expr: string, agg: Record<string, number>): boolean {
  const m = EXPR.exec(expr);
  if (!m) throw new Error(`unparsable threshold "${expr}"`);
  const lhs = agg[m[1] as string];
  if (lhs === undefined) return true;
  const rhs = Number(m[3]);
  switch (m[2]) {
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
    case '!=':
      return lhs !== rhs;
    default:
      return lhs === rhs;
  }
}

type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean };
export interface EndOfTestOptions {
  thresholds?: Record<string, ThresholdSpec[]>;
  summaryTrendStats?: string[];
}

/** `name{tag:value}` → the metric name and the tag filter of a submetric threshold. */
function parseTarget(target: string): { name: string; tags: Record<string, string> } {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(target);
  const tags: Record<string, string> = {};
  for (const kv of (m?.[2] ?? '').split(',').filter(Boolean)) {
    const [k, ...v] = kv.split(':');
    tags[(k as string).trim()] = v.join(':').trim();
  }
  return { name: (m?.[1] ?? target).trim(), tags };
}

export interface EndOfTest {
  /** The `data` k6 hands to handleSummary. */
  data: { metrics: Record<string, { type: MetricType; contains: string; values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>; state: { testRunDurationMs: number } };
  /** `metric: expr` of every failed threshold. */
  failed: string[];
}

/** Evaluates the thresholds and builds the summary data, as k6 does once the run is over. */
export function endOfTest(defs: Record<string, MetricDef>, samples: Record<string, Sample[]>, options: EndOfTestOptions, durationMs: number): EndOfTest {
  const trendKeys = options.summaryTrendStats ?? DEFAULT_TREND_STATS;
  const metrics: EndOfTest['data']['metrics'] = {};
  const failed: string[] = [];
  const durationSec = durationMs / 1000;
  const entry = (name: string) => {
    const def = defs[name];
    if (!def) throw new Error(`threshold on unknown metric "${name}" (k6 refuses to start)`);
    const all = sinked(def.type, (samples[name] ?? []).map((s) => s.value), durationSec, trendKeys);
    const values: Record<string, number> = {};
    if (def.type === 'trend') for (const k of trendKeys) values[k] = all[k] ?? 0;
    else if (def.type === 'rate') Object.assign(values, { rate: all.rate ?? 0, passes: all.passes ?? 0, fails: all.fails ?? 0 });
    else Object.assign(values, all);
    return (metrics[name] ??= { type: def.type, contains: def.contains, values });
  };
  for (const name of Object.keys(samples)) if ((samples[name] ?? []).length > 0) entry(name);
  for (const [target, specs] of Object.entries(options.thresholds ?? {})) {
    const { name, tags } = parseTarget(target);
    const def = defs[name];
    const m = entry(name);
    const subset = (samples[name] ?? []).filter((s) => Object.entries(tags).every(([k, v]) => s.tags?.[k] === v));
    const agg = sinked((def as MetricDef).type, subset.map((s) => s.value), durationSec, specs.map((s) => (typeof s === 'string' ? s : s.threshold)).map((e) => EXPR.exec(e)?.[1] ?? ''));
    const holder = target === name ? m : (metrics[target] ??= { type: m.type, contains: m.contains, values: {} });
    holder.thresholds ??= {};
    for (const spec of specs) {
      const expr = typeof spec === 'string' ? spec : spec.threshold;
      const ok = thresholdPasses(expr, agg);
      holder.thresholds[expr] = { ok };
      if (!ok) failed.push(`${target}: ${expr}`);
    }
  }
  return { data: { metrics, state: { testRunDurationMs: durationMs } }, failed };
}

/** k6's exit code for a run that ended like this. */
export function exitCode(r: { initError?: string; setupError?: string; failed: string[] }): number {
  if (r.initError || r.setupError) return 107;
  return r.failed.length > 0 ? 99 : 0;
}
