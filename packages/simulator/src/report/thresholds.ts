/**
 * Threshold expressions (`--threshold`, repeatable), evaluated against a run
 * report: `ack_p99<100ms`, `ack_p95<=2s`, `errors<0.1%`, `connected>=99%`,
 * `reconnects<10`. Any failed threshold makes the run's exit code non-zero.
 *
 * Grammar: `<metric> <op> <number>[unit]`, op one of < <= > >= ==.
 * - latency metrics `<hist>_<stat>` with hist ack | event_ack | connect and stat
 *   p50, p95, p99, p<any number>, max, min, mean: units ms, s, m, h (bare = ms).
 * - counters and gauges: a plain number, or `%` of the metric's base (errors
 *   as a share of messages sent, connected as a share of target, …).
 */
import { invalidArgument } from '../model/sdk.js';
import { C, G, H, type Report } from './report.js';
import { stormFigures, type StormFigures } from './storm.js';
import { formatMs, parseDurationMs } from './units.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==';

/** A parsed threshold. Latency limits are in ms; percent limits in percent (0.1 for 0.1 %). */
export interface Threshold {
  expr: string;
  metric: string;
  op: ThresholdOp;
  limit: number;
  /** How `limit` and the actual value are read: ms, percent of the base, or a plain number. */
  unit: 'ms' | '%' | 'count';
}

/** One threshold's verdict. */
export interface ThresholdResult extends Threshold {
  pass: boolean;
  /** The measured value, in the threshold's unit. */
  actual: number;
  /** `actual` for people: `87.3ms`, `0.05%`, `3`. */
  actualText: string;
}

interface CountMetric {
  value(r: Report): number;
  /** The base a `%` limit is taken of; absent → `%` is refused. */
  base?: (r: Report) => number;
  describe: string;
}

const counter = (name: string) => (r: Report) => r.counter(name);
const storms = (r: Report): StormFigures[] => r.storms.map(stormFigures);
/** The storm with the smallest share of its agents back at the end (thresholds on storm_back read value and base from the same storm). */
const worstStorm = (r: Report): StormFigures | undefined =>
  storms(r).sort((x, y) => x.backAtEnd / Math.max(1, x.target) - y.backAtEnd / Math.max(1, y.target))[0];
const target = (r: Report) => r.gauge(G.target);
const starts = counter(C.startCommands);

/** Counter and gauge metrics thresholds know, with what `%` means for each. */
const COUNT_METRICS: Record<string, CountMetric> = {
  errors: { value: counter(C.errors), base: counter(C.messagesSent), describe: '% of messages sent' },
  connected: { value: (r) => r.gauge(G.connected), base: target, describe: '% of target agents' },
  reconnects: { value: counter(C.reconnects), base: target, describe: '% of target agents' },
  disconnects: { value: counter(C.disconnects), base: target, describe: '% of target agents' },
  connect_failures: { value: counter(C.connectFailures), base: target, describe: '% of target agents' },
  heartbeats: { value: counter(C.heartbeatsAcked), base: counter(C.heartbeatsSent), describe: 'acked, % of sent' },
  events: { value: counter(C.eventsAcked), base: counter(C.eventsSent), describe: 'acked, % of sent' },
  instances_started: { value: counter(C.instancesStarted), base: starts, describe: '% of start commands' },
  instances_failed: { value: counter(C.instancesFailed), base: starts, describe: '% of start commands' },
  instances_timed_out: { value: counter(C.instancesTimedOut), base: starts, describe: '% of start commands' },
  heartbeat_rate: { value: (r) => (r.durationMs > 0 ? (r.counter(C.heartbeatsAcked) * 1000) / r.durationMs : 0), describe: 'acked heartbeats per second' },
  metrics_sent: { value: counter(C.metricsSent), describe: 'monitor/vstats metrics messages sent' },
  metrics: { value: counter('backend.metrics'), base: counter(C.metricsSent), describe: 'monitor/vstats metrics the embedded backend counted, % of sent' },
  commands: { value: counter('backend.commands_answered'), base: counter('backend.commands_sent'), describe: 'monitor commands answered, % of sent by the embedded backend' },
  storm_back: { value: (r) => worstStorm(r)?.backAtEnd ?? 0, base: (r) => worstStorm(r)?.target ?? 0, describe: 'agents back after the worst storm, % of its agents' },
  storm_attempts_peak: { value: (r) => Math.max(0, ...storms(r).map((f) => f.peakAttemptsPerSec)), describe: 'most connection attempts in one second after any storm' },
  storm_attempts: { value: (r) => storms(r).reduce((n, f) => n + f.attempts, 0), base: (r) => storms(r).reduce((n, f) => n + f.target, 0), describe: 'reconnect attempts over all storms, % of the agents' },
  storm_failed_attempts: { value: (r) => storms(r).reduce((n, f) => n + f.failedAttempts, 0), describe: 'failed reconnect attempts over all storms' },
};

/**
 * Storm times (ms): the slowest storm's time until 99 % / 100 % of its agents
 * were back. A storm whose agents never all came back has no such time: the
 * threshold fails with "never".
 */
const STORM_TIMES: Record<string, (f: StormFigures) => number | null> = {
  storm_to99: (f) => f.to99Ms,
  storm_to100: (f) => f.to100Ms,
};

/** The slowest storm's time for `metric`: Infinity when one never got there, null when the run had no storms. */
function stormTime(r: Report, metric: string): number | null {
  const fs = storms(r);
  if (fs.length === 0) return null;
  return Math.max(...fs.map((f) => STORM_TIMES[metric]!(f) ?? Infinity));
}

/** Metrics that only mean something in the fleet dialect (acks, rentals). */
const FLEET_ONLY = new Set(['ack', 'event_ack', 'heartbeats', 'heartbeat_rate', 'events', 'instances_started', 'instances_failed', 'instances_timed_out']);
/** Metrics measured at the embedded backend: none against --url. */
const EMBEDDED_ONLY = new Set(['metrics', 'commands', 'command']);

/**
 * Why threshold `t` cannot be measured for `dialect` (fleet-only metrics on
 * monitor/vstats, monitor command metrics elsewhere, backend-side metrics
 * against --url), or null when it can. The CLI refuses such a threshold (exit
 * 2) rather than let it pass or fail on no samples.
 */
export function thresholdProblem(t: Threshold, dialect: string, embedded: boolean): string | null {
  const base = t.unit === 'ms' && !isStormTime(t.metric) ? ((LATENCY.exec(t.metric) as RegExpExecArray)[1] as string) : t.metric;
  if (dialect !== 'fleet' && FLEET_ONLY.has(base)) {
    return `${dialect} agents get no acks and no rentals, so ${base} has no samples; use connected, errors, reconnects, connect_*, metrics_sent, metrics${dialect === 'monitor' ? ', command_*, commands' : ''}`;
  }
  if (dialect === 'fleet' && ['metrics', 'metrics_sent'].includes(base)) return 'fleet agents send heartbeats, not metrics messages; use heartbeats or heartbeat_rate';
  if ((base === 'command' || base === 'commands') && dialect !== 'monitor') return `only monitor agents get commands (this run is --dialect ${dialect})`;
  if (!embedded && EMBEDDED_ONLY.has(base)) return `${base} is measured at the embedded mock backend; against --url it has no samples`;
  return null;
}

const isStormTime = (metric: string): boolean => Object.prototype.hasOwnProperty.call(STORM_TIMES, metric);

const HISTS = Object.values(H);
const LATENCY = new RegExp(`^(${HISTS.join('|')})_(p\\d+(?:\\.\\d+)?|max|min|mean)$`);
const EXPR = /^\s*([a-z_][a-z0-9_.]*)\s*(<=|>=|==|<|>)\s*(\S+)\s*$/i;

/** The metric names, for error messages and `--help`. */
export function knownMetrics(): string {
  const lat = HISTS.map((h) => `${h}_p50|p95|p99|p<N>|max|min|mean`).join(', ');
  return `latency: ${lat}; storm times: ${Object.keys(STORM_TIMES).join(', ')}; counts: ${Object.keys(COUNT_METRICS).join(', ')}`;
}

function bad(expr: string, why: string): never {
  return invalidArgument(`bad threshold "${expr}": ${why}. Known metrics: ${knownMetrics()}`, { expr });
}

/** Parses one expression. Throws FW_INVALID_ARGUMENT naming the expression, the problem and the known metrics. */
export function parseThreshold(expr: string): Threshold {
  const m = EXPR.exec(expr);
  if (!m) return bad(expr, 'expected <metric><op><value>, e.g. ack_p99<100ms, errors<0.1%, connected>=99%');
  const metric = (m[1] as string).toLowerCase();
  const op = m[2] as ThresholdOp;
  const raw = m[3] as string;
  if (isStormTime(metric)) {
    const ms = parseDurationMs(raw, 'ms');
    if (ms === null) return bad(expr, `"${raw}" is not a duration (use ms, s, m or h, e.g. 30s)`);
    return { expr, metric, op, limit: ms, unit: 'ms' };
  }
  const lat = LATENCY.exec(metric);
  if (lat) {
    const stat = lat[2] as string;
    if (stat.startsWith('p') && Number(stat.slice(1)) > 100) bad(expr, `percentile ${stat.slice(1)} is over 100`);
    const ms = parseDurationMs(raw, 'ms');
    if (ms === null) return bad(expr, `"${raw}" is not a duration (use ms, s, m or h, e.g. 100ms)`);
    return { expr, metric, op, limit: ms, unit: 'ms' };
  }
  // An own-property lookup: `constructor` or `__proto__` is an unknown metric, not Object.prototype's member.
  const def = Object.prototype.hasOwnProperty.call(COUNT_METRICS, metric) ? COUNT_METRICS[metric] : undefined;
  if (!def) return bad(expr, `unknown metric "${metric}"`);
  const pct = raw.endsWith('%');
  const num = pct ? raw.slice(0, -1) : raw;
  if (!/^\d+(\.\d+)?$/.test(num)) return bad(expr, `"${raw}" is not a number${def.base ? ' or a percentage' : ''}`);
  if (pct && !def.base) return bad(expr, `${metric} has no base to take a percentage of; give a plain number`);
  return { expr, metric, op, limit: Number(num), unit: pct ? '%' : 'count' };
}

/** Parses every expression; all the bad ones are reported together. */
export function parseThresholds(exprs: readonly string[]): Threshold[] {
  const out: Threshold[] = [];
  const errors: string[] = [];
  for (const e of exprs) {
    try {
      out.push(parseThreshold(e));
    } catch (err) {
      errors.push((err as Error).message.replace(/\. Known metrics: .*$/, ''));
    }
  }
  if (errors.length > 0) invalidArgument(`${errors.join('; ')}. Known metrics: ${knownMetrics()}`, { errors });
  return out;
}

function compare(a: number, op: ThresholdOp, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
  }
}

/** The value a threshold reads from the report, in the threshold's unit. */
export function measure(report: Report, t: Threshold): number {
  if (t.unit === 'ms' && isStormTime(t.metric)) return stormTime(report, t.metric) ?? 0;
  if (t.unit === 'ms') {
    const lat = LATENCY.exec(t.metric) as RegExpExecArray;
    const hist = lat[1] as string;
    const stat = lat[2] as string;
    const h = report.findHistogram(hist);
    if (!h) return 0;
    if (stat === 'max') return h.maxMs;
    if (stat === 'min') return h.minMs;
    if (stat === 'mean') return h.meanMs;
    return h.percentileMs(Number(stat.slice(1)));
  }
  const def = COUNT_METRICS[t.metric] as CountMetric;
  const v = def.value(report);
  if (t.unit === 'count') return v;
  const base = (def.base as (r: Report) => number)(report);
  return base > 0 ? (v / base) * 100 : 0;
}

function fmtPercent(p: number): string {
  return `${p < 1 ? p.toPrecision(2).replace(/\.?0+$/, '') : p.toFixed(p < 10 ? 2 : 1).replace(/\.?0+$/, '')}%`;
}

/**
 * Evaluates thresholds against a report. A latency threshold on a histogram
 * with no samples fails (no evidence is not a pass).
 */
export function evaluateThresholds(report: Report, thresholds: readonly Threshold[]): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = measure(report, t);
    const stormMetric = t.metric.startsWith('storm_');
    const noData = stormMetric
      ? report.storms.length === 0
      : t.unit === 'ms' && (report.findHistogram((LATENCY.exec(t.metric) as RegExpExecArray)[1] as string)?.count ?? 0) === 0;
    const pass = !noData && compare(actual, t.op, t.limit);
    const actualText = noData
      ? stormMetric
        ? 'no storms'
        : 'no samples'
      : actual === Infinity
        ? 'never'
        : t.unit === 'ms'
          ? formatMs(actual)
          : t.unit === '%'
            ? fmtPercent(actual)
            : String(Math.round(actual * 100) / 100);
    return { ...t, pass, actual, actualText };
  });
}
