/**
 * `--html report.html`: one self-contained page — uPlot (MIT, ~50 KB) and its
 * CSS inlined, the report's data embedded as JSON — that opens from disk with no
 * network. Charts over time: connected agents, throughput, ack latency
 * percentiles, errors by code, lifecycle counts; the summary figures and the
 * thresholds marked PASS / FAIL.
 *
 * The page records what each chart drew in `window.__fleetwireCharts`
 * (`{ name: { series, points } }`), which the headless-Chromium test reads.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReportJSON } from './report.js';
import { stormFigures } from './storm.js';
import type { ThresholdResult } from './thresholds.js';

/** uPlot's browser build and stylesheet, read once from the installed package. */
function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return { js, css };
}

/** JSON that is safe inside a <script> element (no `</script>`, no U+2028 surprises). */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);

export interface HtmlInput {
  report: ReportJSON;
  thresholds: readonly ThresholdResult[];
  /** Why the agents did not get in, or null. */
  admission: string | null;
}

/** The page's own script: builds the charts from DATA with uPlot. Plain ES2017, no modules. */
const PAGE_SCRIPT = String.raw`
(function () {
  var D = window.__FLEETWIRE_REPORT__;
  var s = D.report.series;
  var drawn = {};
  window.__fleetwireCharts = drawn;
  var COLORS = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];
  function chart(name, title, unit, lines) {
    var box = document.querySelector('[data-chart="' + name + '"]');
    if (!s || !s.t.length) { box.textContent = 'no samples (the run was not sampled)'; drawn[name] = { series: 0, points: 0 }; return; }
    var data = [s.t];
    var series = [{ label: 'time (s)' }];
    lines.forEach(function (l, i) {
      data.push(l.values.map(function (v) { return v === null ? null : v; }));
      series.push({ label: l.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false, value: function (u, v) { return v == null ? '-' : (Math.round(v * 100) / 100) + (unit ? ' ' + unit : ''); } });
    });
    var width = Math.max(320, Math.min(box.clientWidth || 900, 1100));
    new uPlot({ title: title, width: width, height: 220, series: series, scales: { x: { time: false } },
      axes: [{ label: 'seconds since start' }, { label: unit, size: 60 }] }, data, box);
    var points = 0;
    data.slice(1).forEach(function (arr) { arr.forEach(function (v) { if (v !== null && v !== undefined) points++; }); });
    drawn[name] = { series: lines.length, points: points };
    box.setAttribute('data-points', String(points));
  }
  if (s) {
    chart('connected', 'Connected agents', 'agents', [{ label: 'connected', values: s.connected }, { label: 'target', values: s.t.map(function () { return D.report.gauges.target || 0; }) }]);
    chart('throughput', 'Throughput', 'msg/s', [{ label: 'heartbeats/s', values: s.heartbeats_per_s }, { label: 'acks/s', values: s.acks_per_s }, { label: 'metrics/s', values: s.metrics_per_s }]);
    chart('latency', 'Heartbeat ack latency (per second)', 'ms', [{ label: 'p50', values: s.ack_p50_ms }, { label: 'p95', values: s.ack_p95_ms }, { label: 'p99', values: s.ack_p99_ms }]);
    var errs = [{ label: 'errors (all codes)', values: s.errors }, { label: 'reconnects', values: s.reconnects }];
    Object.keys(s.errors_by_code).sort().forEach(function (c) { errs.push({ label: c, values: s.errors_by_code[c] }); });
    chart('errors', 'Errors by code and reconnects (per second)', 'count', errs);
    chart('lifecycle', 'Lifecycle (per second)', 'count', [{ label: 'start commands', values: s.start_commands }, { label: 'started', values: s.instances_started }, { label: 'stopped', values: s.instances_stopped }, { label: 'failed', values: s.instances_failed }]);
  } else {
    ['connected', 'throughput', 'latency', 'errors', 'lifecycle'].forEach(function (n) { chart(n, n, '', []); });
  }
  document.body.setAttribute('data-rendered', 'true');
})();
`;

/** The whole page. */
export function renderHtml(input: HtmlInput): string {
  const { report: r, thresholds, admission } = input;
  const m = r.meta;
  const { js, css } = uplotAssets();
  const failed = thresholds.filter((t) => !t.pass).length + (admission ? 1 : 0);
  const verdict = failed === 0 ? '<span class="pass">PASS</span>' : `<span class="fail">FAIL</span> (${failed} failed)`;
  const latencyRows = Object.entries(r.latency)
    .map(([name, l]) => `<tr><td>${esc(name)}</td><td>${l.count}</td><td>${l.p50}</td><td>${l.p90}</td><td>${l.p95}</td><td>${l.p99}</td><td>${l.max}</td></tr>`)
    .join('');
  const thresholdRows = [
    `<tr class="${admission ? 'fail' : 'pass'}"><td>${admission ? 'FAIL' : 'PASS'}</td><td>agents got in</td><td>${esc(admission ?? `${r.counters['agents_connected_once'] ?? 0} of ${r.gauges['target'] ?? 0} agents connected at least once`)}</td></tr>`,
    ...thresholds.map((t) => `<tr class="${t.pass ? 'pass' : 'fail'}"><td>${t.pass ? 'PASS' : 'FAIL'}</td><td>${esc(t.expr)}</td><td>actual ${esc(t.actualText)}</td></tr>`),
  ].join('');
  const errorRows = Object.entries(r.errors.byCode).map(([c, n]) => `<tr><td>${esc(c)}</td><td>${n}</td></tr>`).join('') || '<tr><td colspan="2">none</td></tr>';
  const sec = (ms: number | null) => (ms === null ? 'never' : (ms / 1000).toFixed(1));
  const stormRows = (r.storms ?? [])
    .map(stormFigures)
    .map(
      (f) =>
        `<tr class="${f.backAtEnd < f.target ? 'fail' : 'pass'}"><td>${f.index}</td><td>${f.mode}</td><td>${sec(f.atMs)}</td><td>${f.mode === 'restart' ? sec(f.downMs) : '–'}</td><td>${f.connectedBefore}</td>` +
        `<td>${sec(f.to99Ms)}</td><td>${sec(f.to100Ms)}</td><td>${f.backAtEnd} / ${f.target}</td><td>${f.attempts}</td><td>${f.peakAttemptsPerSec}</td><td>${f.failedAttempts}</td></tr>`,
    )
    .join('');
  const stormTable = stormRows
    ? `<h2>Reconnect storms</h2><table><tr><th>storm</th><th>mode</th><th>at (s)</th><th>down (s)</th><th>connected before</th><th>99 % back (s)</th><th>100 % back (s)</th><th>back at end</th><th>attempts</th><th>peak attempts/s</th><th>failed attempts</th></tr>${stormRows}</table>`
    : '';
  const eventRows = Object.entries(r.errors.connectionEvents).map(([c, n]) => `<tr><td>${esc(c)}</td><td>${n}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fleetwire-sim report: ${esc(m.dialect)}, seed ${esc(m.seed)}</title>
<style>${css}
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem auto;max-width:1150px;color:#111;padding:0 1rem}
h1{font-size:1.3rem;margin:0 0 .3rem}h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
.meta{color:#555}.pass{color:#15803d;font-weight:600}.fail{color:#b91c1c;font-weight:600}
table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #ddd;padding:.2rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}
tr.pass td:first-child{color:#15803d;font-weight:600}tr.fail td:first-child{color:#b91c1c;font-weight:600}
.chart{margin:.6rem 0 1.2rem;min-height:60px}.grid{display:flex;gap:2rem;flex-wrap:wrap}
</style></head>
<body>
<h1>fleetwire-sim report — ${verdict}</h1>
<div class="meta">${esc(m.dialect)} · seed ${esc(m.seed)} · ${m.fleetAgents} agents in the fleet · shards ${esc(m.shards.join(' '))} · ${esc(m.startedAt)} → ${esc(m.endedAt)} (${(r.durationMs / 1000).toFixed(1)} s) · report schema v${r.version}</div>
<h2>Thresholds</h2>
<table><tr><th>verdict</th><th>rule</th><th>measured</th></tr>${thresholdRows}</table>
${stormTable}
<h2>Over time</h2>
<div class="chart" data-chart="connected"></div>
<div class="chart" data-chart="throughput"></div>
<div class="chart" data-chart="latency"></div>
<div class="chart" data-chart="errors"></div>
<div class="chart" data-chart="lifecycle"></div>
<div class="grid">
<div><h2>Latency (ms, whole run)</h2><table><tr><th>histogram</th><th>n</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th></tr>${latencyRows || '<tr><td colspan="7">no samples</td></tr>'}</table></div>
<div><h2>Errors (${r.errors.total})</h2><table><tr><th>code</th><th>count</th></tr>${errorRows}</table>
${eventRows ? `<h2>Connection events</h2><table><tr><th>code</th><th>count</th></tr>${eventRows}</table>` : ''}</div>
</div>
<script>${js}</script>
<script>window.__FLEETWIRE_REPORT__ = ${scriptJson({ report: r, thresholds, admission })};</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
