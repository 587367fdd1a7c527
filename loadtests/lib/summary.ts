/**
 * handleSummary helpers: a compact text summary (the dialect's own metrics
 * first, thresholds marked pass/fail) and the outputs map k6 writes. Written
 * here rather than imported from jslib's k6-summary so it is typed and
 * unit-tested, and works offline (k8s runners often have no internet).
 */

/** The parts of k6's summary data this module reads (see k6 docs, "Custom summary"). */
export interface SummaryMetric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains?: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  state?: { testRunDurationMs?: number };
}

function fmtTime(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(0)}µs`;
}

function fmtData(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(2)} kB`;
  return `${bytes} B`;
}

function fmtValue(m: SummaryMetric, v: number): string {
  if (m.contains === 'time') return fmtTime(v);
  if (m.contains === 'data') return fmtData(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/**
 * The trend statistics the scripts ask k6 for (`summaryTrendStats`): k6's
 * default set plus p(99), a default threshold of several scripts, and `count`,
 * which tells a Trend that measured nothing from one that measured zeros.
 */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

/**
 * True when k6's values show the metric received no sample. k6 passes Rate
 * and Trend thresholds on such a metric (an empty Rate has no rate to
 * compare; an empty Trend reads 0), so the summary must not call them passed.
 */
export function unsampled(m: SummaryMetric): boolean {
  if (m.type === 'rate') return (m.values.passes ?? 0) + (m.values.fails ?? 0) === 0;
  if (m.type === 'trend') return m.values.count === 0;
  return false;
}

/** One line of numbers for a metric, in k6's usual vocabulary. */
export function describeMetric(m: SummaryMetric): string {
  const v = m.values;
  switch (m.type) {
    case 'trend': {
      const keys = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'].filter((k) => typeof v[k] === 'number');
      return keys.map((k) => `${k}=${fmtValue(m, v[k] as number)}`).join(' ');
    }
    case 'rate': {
      const rate = v.rate ?? 0;
      return `${(rate * 100).toFixed(2)}% ✓ ${v.passes ?? 0} ✗ ${v.fails ?? 0}`;
    }
    case 'counter':
      return `${fmtValue(m, v.count ?? 0)} ${(v.rate ?? 0).toFixed(2)}/s`;
    case 'gauge':
      return `${fmtValue(m, v.value ?? 0)} min=${fmtValue(m, v.min ?? 0)} max=${fmtValue(m, v.max ?? 0)}`;
  }
}

/**
 * The text summary: title, thresholds (✓/✗), then metrics — the dialect's own
 * (`<prefix>_…`) first, then k6's built-in ones.
 */
export function textSummary(data: SummaryData, title: string, prefix: string): string {
  const names = Object.keys(data.metrics).sort((a, b) => {
    const pa = a.startsWith(prefix) ? 0 : 1;
    const pb = b.startsWith(prefix) ? 0 : 1;
    return pa - pb || a.localeCompare(b);
  });
  const lines: string[] = [];
  const secs = ((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(1);
  lines.push(`█ ${title} — ${secs}s`);
  const th: string[] = [];
  let failed = 0;
  let empty = 0;
  for (const n of names) {
    const m = data.metrics[n];
    if (!m?.thresholds) continue;
    const none = unsampled(m);
    for (const [expr, r] of Object.entries(m.thresholds)) {
      if (!r.ok) failed++;
      else if (none) empty++;
      th.push(`  ${!r.ok ? '✗' : none ? '?' : '✓'} ${n}: ${expr}${r.ok && none ? ' — no samples: k6 counts it passed, nothing was measured' : ''}`);
    }
  }
  if (th.length) {
    const parts = [failed ? `${failed} failed` : '', empty ? `${empty} without samples` : ''].filter(Boolean);
    lines.push('', `THRESHOLDS (${parts.length ? parts.join(', ') : 'all passed'})`, ...th);
  }
  lines.push('', 'METRICS');
  const width = Math.min(40, Math.max(10, ...names.map((n) => n.length)));
  for (const n of names) {
    const m = data.metrics[n] as SummaryMetric;
    lines.push(`  ${n.padEnd(width, '.')} ${describeMetric(m)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The map handleSummary returns: text to stdout, full data as JSON to `jsonPath` (unless `-`). */
export function summaryOutputs(data: SummaryData, title: string, prefix: string, jsonPath: string): Record<string, string> {
  const out: Record<string, string> = { stdout: textSummary(data, title, prefix) };
  if (jsonPath !== '-') out[jsonPath] = JSON.stringify(data, null, 2);
  return out;
}
