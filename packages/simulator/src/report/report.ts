/**
 * The simulator's run report: what the runner records while it runs, what
 * `--out report.json` writes, and what `fleetwire-sim merge` adds up.
 *
 * Mergeable exactly: latencies are HDR histograms (bucket counts add), counters
 * are sums, gauges are sums (shards run disjoint agents, so connected and
 * target add up). Merging the shard reports of a run gives the report of the
 * same run done whole.
 */
import { LatencyHistogram } from './histogram.js';
import { mergeSeries, seriesProblem, type SeriesJSON } from './series.js';
import { mergeStorms, stormsProblem, type StormJSON } from './storm.js';

/**
 * The JSON schema version (packages/simulator/report.schema.json documents it).
 * 2 added `latency` (percentiles), `errors` and `series`; `fromJSON` still reads 1.
 */
export const REPORT_VERSION = 2;
/** Versions `fromJSON` reads. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
export const REPORT_FORMAT = 'fleetwire-sim-report';

/** Counter names the runner uses (free-form names are allowed too; these are the ones thresholds and views know). */
export const C = {
  heartbeatsSent: 'heartbeats_sent',
  heartbeatsAcked: 'heartbeats_acked',
  eventsSent: 'events_sent',
  eventsAcked: 'events_acked',
  /** Every message an agent sent (the denominator of `errors<0.1%`). */
  messagesSent: 'messages_sent',
  errors: 'errors',
  reconnects: 'reconnects',
  disconnects: 'disconnects',
  connectFailures: 'connect_failures',
  startCommands: 'start_commands',
  stopCommands: 'stop_commands',
  drainCommands: 'drain_commands',
  instancesStarted: 'instances_started',
  instancesStopped: 'instances_stopped',
  instancesFailed: 'instances_failed',
  instancesTimedOut: 'instances_timed_out',
  chaosDisconnects: 'chaos_disconnects',
  chaosMalformed: 'chaos_malformed',
  chaosSlowAcks: 'chaos_slow_acks',
  /** monitor and vstats: metrics messages / reports sent. */
  metricsSent: 'metrics_sent',
  /** vstats: `{type:"heartbeat"}` keepalives sent (no ack in that dialect). */
  keepalivesSent: 'keepalives_sent',
  /** monitor: `command` / `docker_command` received and answered. */
  commandsReceived: 'commands_received',
  commandsAnswered: 'commands_answered',
  /** Agents that completed their handshake at least once (the rest never got in). */
  agentsIn: 'agents_connected_once',
} as const;

/** The per-code error counter (`errors.FW_ACK_TIMEOUT`); the runner counts it beside the total `errors`, which is their sum. */
export const errorCounter = (code: string): string => `errors.${code}`;

/** Connection events by code (`connection_events.FW_CONNECTION_LOST`): not errors; counted as disconnects / failed connects. */
export const connectionEventCounter = (code: string): string => `connection_events.${code}`;

/** Gauge names: current connected agents and the agents this report covers. */
export const G = { connected: 'connected', target: 'target' } as const;

/**
 * Histogram names: heartbeat ack latency and lifecycle event ack latency
 * (fleet only: monitor and vstats have no acks), connect time (every dialect),
 * command round trip (monitor, measured at the embedded control plane).
 */
export const H = { ack: 'ack', eventAck: 'event_ack', connect: 'connect', command: 'command' } as const;

/** What a report is about. */
export interface ReportMeta {
  dialect: string;
  /** The seed as given (string form). */
  seed: string;
  /** Agents in the whole fleet (all shards). */
  fleetAgents: number;
  /** Shards this report covers, as "i/n", sorted. */
  shards: string[];
  /** ISO 8601. */
  startedAt: string;
  endedAt: string;
}

/** One histogram's figures, ms, all from that one histogram (so no percentile exceeds `max`). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  min: number;
  mean: number;
}

/** The JSON file format (`--out`), schema: packages/simulator/report.schema.json. */
export interface ReportJSON {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  meta: ReportMeta;
  durationMs: number;
  counters: Record<string, number>;
  gauges: Record<string, number>;
  /** Per histogram: count and percentiles in ms (derived from `histograms`; for people and dashboards). */
  latency: Record<string, LatencySummary>;
  /** Errors: `total` equals the sum of `byCode`; connection events (not errors) apart. */
  errors: { total: number; byCode: Record<string, number>; connectionEvents: Record<string, number> };
  /** Compressed base64 HdrHistograms of µs values (the exact data; merge these, not the percentiles). */
  histograms: Record<string, string>;
  /** Per-second time series; absent when the run was not sampled (e.g. a report built in a test). */
  series?: SeriesJSON;
  /** One entry per reconnect storm (`--scenario storm`); absent when the run had none. */
  storms?: StormJSON[];
}

/** The figures of one histogram. */
export function latencySummary(h: LatencyHistogram): LatencySummary {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { count: h.count, p50: r(h.percentileMs(50)), p90: r(h.percentileMs(90)), p95: r(h.percentileMs(95)), p99: r(h.percentileMs(99)), max: r(h.maxMs), min: r(h.minMs), mean: r(h.meanMs) };
}

/** Counters under `prefix.` as `{ code: n }`, sorted. */
function byPrefix(counters: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(Object.keys(counters).filter((k) => k.startsWith(prefix)).sort().map((k) => [k.slice(prefix.length), counters[k] as number]));
}

/** Bins without their trailing zeros (the JSON stays short when a storm was watched long after everyone was back). */
const trimZeros = (bins: readonly number[]): number[] => {
  let n = bins.length;
  while (n > 0 && bins[n - 1] === 0) n--;
  return bins.slice(0, n);
};

const sorted = <T>(o: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k] as T]));

export class Report {
  meta: ReportMeta;
  readonly counters: Record<string, number> = {};
  readonly gauges: Record<string, number> = {};
  /** The per-second time series, when the run was sampled. */
  series: SeriesJSON | null = null;
  /** Reconnect storms (`--scenario storm`), in order; the slice's StormBook fills them in place. */
  storms: StormJSON[] = [];
  private readonly histograms = new Map<string, LatencyHistogram>();

  constructor(meta: ReportMeta) {
    this.meta = { ...meta, shards: [...meta.shards].sort() };
  }

  /** Adds `n` (default 1) to a counter. */
  count(name: string, n = 1): void {
    this.counters[name] = (this.counters[name] ?? 0) + n;
  }

  /** A counter's value (0 when never counted). */
  counter(name: string): number {
    return this.counters[name] ?? 0;
  }

  setGauge(name: string, value: number): void {
    this.gauges[name] = value;
  }

  gauge(name: string): number {
    return this.gauges[name] ?? 0;
  }

  /** Records a latency in ms into histogram `name` (created on first use). */
  recordLatency(name: string, ms: number): void {
    this.histogram(name).record(ms);
  }

  /** The histogram `name` (an empty one is created on first use). */
  histogram(name: string): LatencyHistogram {
    let h = this.histograms.get(name);
    if (!h) {
      h = new LatencyHistogram();
      this.histograms.set(name, h);
    }
    return h;
  }

  /** The histogram `name` if it exists; unlike {@link histogram}, never creates one (readers must not change the report). */
  findHistogram(name: string): LatencyHistogram | undefined {
    return this.histograms.get(name);
  }

  /** Names of histograms with at least one sample or explicitly created. */
  histogramNames(): string[] {
    return [...this.histograms.keys()].sort();
  }

  p50(name: string): number {
    return this.percentileMs(name, 50);
  }
  p95(name: string): number {
    return this.percentileMs(name, 95);
  }
  p99(name: string): number {
    return this.percentileMs(name, 99);
  }
  max(name: string): number {
    return this.histograms.get(name)?.maxMs ?? 0;
  }
  /** Percentile `p` (0–100) of histogram `name`, ms; 0 when it has no samples. */
  percentileMs(name: string, p: number): number {
    return this.histograms.get(name)?.percentileMs(p) ?? 0;
  }

  /** Wall time covered, from meta (ms, never negative). */
  get durationMs(): number {
    return Math.max(0, Date.parse(this.meta.endedAt) - Date.parse(this.meta.startedAt)) || 0;
  }

  /** The JSON form, keys sorted so equal reports serialise identically. */
  toJSON(): ReportJSON {
    const histograms: Record<string, string> = {};
    const latency: Record<string, LatencySummary> = {};
    for (const name of this.histogramNames()) {
      const h = this.histograms.get(name) as LatencyHistogram;
      histograms[name] = h.encode();
      latency[name] = latencySummary(h);
    }
    const counters = sorted(this.counters);
    return {
      format: REPORT_FORMAT,
      version: REPORT_VERSION,
      meta: { ...this.meta, shards: [...this.meta.shards].sort() },
      durationMs: this.durationMs,
      counters,
      gauges: sorted(this.gauges),
      latency,
      errors: { total: this.counter(C.errors), byCode: byPrefix(counters, 'errors.'), connectionEvents: byPrefix(counters, 'connection_events.') },
      histograms,
      ...(this.series ? { series: this.series } : {}),
      ...(this.storms.length > 0 ? { storms: this.storms.map((x) => ({ ...x, back: trimZeros(x.back), attempts: trimZeros(x.attempts) })) } : {}),
    };
  }

  /**
   * Reads a report written by {@link toJSON} (already JSON-parsed). Throws an
   * Error saying what is wrong: another format, another version, a missing field.
   * @param source named in error messages (e.g. the file name)
   */
  static fromJSON(data: unknown, source = 'report'): Report {
    const fail = (why: string): never => {
      throw new Error(`${source}: ${why}`);
    };
    if (!data || typeof data !== 'object') return fail('not a JSON object');
    const o = data as Partial<ReportJSON>;
    if (o.format !== REPORT_FORMAT) return fail(`not a fleetwire-sim report (format is ${JSON.stringify(o.format)}, expected "${REPORT_FORMAT}")`);
    if (!READABLE_VERSIONS.includes(o.version as number)) {
      return fail(`report version ${JSON.stringify(o.version)} is not supported (this fleetwire-sim reads versions ${READABLE_VERSIONS.join(' and ')})`);
    }
    const m = o.meta;
    if (!m || typeof m.dialect !== 'string' || typeof m.seed !== 'string' || typeof m.fleetAgents !== 'number' || !Array.isArray(m.shards)) {
      return fail('meta is missing or incomplete (dialect, seed, fleetAgents, shards)');
    }
    const r = new Report(m);
    for (const [field, target] of [['counters', r.counters], ['gauges', r.gauges]] as const) {
      const values = o[field];
      if (!values || typeof values !== 'object') return fail(`${field} is missing`);
      for (const [k, v] of Object.entries(values)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`${field}.${k} is not a number`);
        target[k] = v;
      }
    }
    for (const [name, encoded] of Object.entries(o.histograms ?? {})) {
      if (typeof encoded !== 'string') return fail(`histograms.${name} is not a string`);
      try {
        r.histograms.set(name, LatencyHistogram.decode(encoded));
      } catch (err) {
        return fail(`histograms.${name}: ${(err as Error).message}`);
      }
    }
    if (o.series !== undefined) {
      const why = seriesProblem(o.series);
      if (why) return fail(`series ${why}`);
      r.series = o.series;
    }
    if (o.storms !== undefined) {
      const why = stormsProblem(o.storms);
      if (why) return fail(`storms ${why}`);
      r.storms = o.storms.map((x) => ({ ...x, back: x.back.slice(), attempts: x.attempts.slice() }));
    }
    return r;
  }
}

/**
 * Merges reports of disjoint shards of one run into the report of the whole
 * run. Refuses reports of different runs (dialect, seed or fleet size differ)
 * and a shard given twice (it would be counted twice).
 */
export function mergeReports(reports: readonly Report[]): Report {
  const first = reports[0];
  if (!first) throw new Error('merge needs at least one report');
  const shards: string[] = [];
  for (const r of reports) {
    for (const key of ['dialect', 'seed', 'fleetAgents'] as const) {
      if (r.meta[key] !== first.meta[key]) {
        throw new Error(`cannot merge reports of different runs: ${key} is ${JSON.stringify(first.meta[key])} in one and ${JSON.stringify(r.meta[key])} in another`);
      }
    }
    for (const s of r.meta.shards) {
      if (shards.includes(s)) throw new Error(`shard ${s} appears in more than one report; merging it twice would count it twice`);
      shards.push(s);
    }
  }
  const startedAt = reports.map((r) => r.meta.startedAt).sort()[0] as string;
  const endedAt = reports.map((r) => r.meta.endedAt).sort().at(-1) as string;
  const out = new Report({ ...first.meta, shards, startedAt, endedAt });
  for (const r of reports) {
    for (const [k, v] of Object.entries(r.counters)) out.count(k, v);
    for (const [k, v] of Object.entries(r.gauges)) out.setGauge(k, out.gauge(k) + v);
    for (const name of r.histogramNames()) out.histogram(name).add(r.histogram(name));
  }
  const series = reports.map((r) => r.series).filter((x): x is SeriesJSON => x !== null);
  if (series.length > 0) out.series = series.length === 1 ? series[0]! : mergeSeries(series);
  out.storms = mergeStorms(reports.map((r) => r.storms));
  return out;
}

/**
 * Shards of the fleet that none of the report's shards covers, e.g. ["2/4"]
 * after merging 0/4, 1/4 and 3/4. Empty when the report is the whole run.
 * Shards of different counts (0/2 + 1/4…) are compared by agent ranges is not
 * attempted: only a missing index of the count seen first is listed.
 */
export function missingShards(meta: ReportMeta): string[] {
  const first = meta.shards[0];
  if (!first) return ['0/1'];
  const count = Number(first.split('/')[1]);
  const missing: string[] = [];
  for (let i = 0; i < count; i++) if (!meta.shards.includes(`${i}/${count}`)) missing.push(`${i}/${count}`);
  return missing;
}
