/**
 * What people read: the live view while a run goes (a compact block on a
 * terminal, one plain line per interval in CI logs) and the summary table at
 * the end. Pure functions from numbers to strings; the runner owns timers and
 * the terminal.
 */
import { C, G, H, type Report } from './report.js';
import { renderStorm, stormFigures } from './storm.js';
import type { ThresholdResult } from './thresholds.js';
import { formatMs } from './units.js';

/** What the live view shows, taken once per refresh. */
export interface LiveSnapshot {
  elapsedMs: number;
  /** Planned run length; absent when running until Ctrl-C. */
  durationMs?: number;
  dialect: string;
  connected: number;
  target: number;
  heartbeatsPerSec: number;
  /** Heartbeat ack latency so far, ms. */
  ack: { p50: number; p95: number; p99: number; count: number };
  reconnects: number;
  errors: number;
  /** Errors and connection events by code so far, largest first (`FW_AUTH_REJECTED 20`): what went wrong, as it happens. */
  codes: [string, number][];
  lifecycle: { starts: number; started: number; stopped: number; failed: number; timedOut: number };
  /** monitor / vstats: metrics messages per second over the interval. */
  metricsPerSec: number;
  /** monitor: commands received and answered by the agents. */
  commands: { received: number; answered: number };
}

/** Where the previous snapshot left off, for the rates. */
export interface RateBase {
  elapsedMs: number;
  heartbeatsAcked: number;
  /** Default 0. */
  metricsSent?: number;
}

/** The rate base of `report` at `elapsedMs` (what the live view keeps between refreshes). */
export function rateBaseOf(report: Report, elapsedMs: number): RateBase {
  return { elapsedMs, heartbeatsAcked: report.counter(C.heartbeatsAcked), metricsSent: report.counter(C.metricsSent) };
}

/**
 * A snapshot from the live report. The rate is over the interval since `prev`
 * (or the whole run without it); ack percentiles are since the start.
 */
export function snapshotFrom(report: Report, elapsedMs: number, prev?: RateBase, durationMs?: number): LiveSnapshot {
  const acked = report.counter(C.heartbeatsAcked);
  const dt = elapsedMs - (prev?.elapsedMs ?? 0);
  const ack = report.findHistogram(H.ack);
  const snap: LiveSnapshot = {
    elapsedMs,
    dialect: report.meta.dialect,
    connected: report.gauge(G.connected),
    target: report.gauge(G.target),
    heartbeatsPerSec: dt > 0 ? ((acked - (prev?.heartbeatsAcked ?? 0)) * 1000) / dt : 0,
    ack: { p50: ack?.percentileMs(50) ?? 0, p95: ack?.percentileMs(95) ?? 0, p99: ack?.percentileMs(99) ?? 0, count: ack?.count ?? 0 },
    reconnects: report.counter(C.reconnects),
    errors: report.counter(C.errors),
    codes: Object.entries(report.counters)
      .filter(([k, v]) => (k.startsWith('errors.') || k.startsWith('connection_events.')) && v > 0)
      .map(([k, v]) => [k.slice(k.indexOf('.') + 1), v] as [string, number])
      .sort((a, b) => b[1] - a[1]),
    lifecycle: {
      starts: report.counter(C.startCommands),
      started: report.counter(C.instancesStarted),
      stopped: report.counter(C.instancesStopped),
      failed: report.counter(C.instancesFailed),
      timedOut: report.counter(C.instancesTimedOut),
    },
    metricsPerSec: dt > 0 ? ((report.counter(C.metricsSent) - (prev?.metricsSent ?? 0)) * 1000) / dt : 0,
    commands: { received: report.counter(C.commandsReceived), answered: report.counter(C.commandsAnswered) },
  };
  if (durationMs !== undefined) snap.durationMs = durationMs;
  return snap;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (a: number, b: number): string => (b > 0 ? `${((a / b) * 100).toFixed(1)}%` : '-');
const clock = (ms: number): string => {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};
const lat = (ms: number, count: number): string => (count === 0 ? '-' : formatMs(ms));
/** The top codes: `FW_AUTH_REJECTED 20, FW_CONNECTION_LOST 3` (tty) or `FW_AUTH_REJECTED=20,…` (plain). */
const codesText = (codes: [string, number][], sep: string, join: string, limit = 4): string =>
  codes.slice(0, limit).map(([c, n]) => `${c}${sep}${int(n)}`).join(join) + (codes.length > limit ? `${join}+${codes.length - limit} more` : '');

/** Pads columns so every row lines up; the last column is not padded. */
export function alignColumns(rows: readonly (readonly string[])[], gap = 2): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] as number) + gap))).join('').trimEnd())
    .join('\n');
}

/** The terminal view: a few aligned lines, redrawn in place every second. */
export function renderLiveTty(s: LiveSnapshot): string {
  const time = s.durationMs !== undefined ? `${clock(s.elapsedMs)} / ${clock(s.durationMs)}` : `${clock(s.elapsedMs)} (Ctrl-C to stop)`;
  const l = s.lifecycle;
  if (s.dialect !== 'fleet') {
    // monitor / vstats: metrics instead of acked heartbeats, commands instead of rentals; no acks to show.
    return alignColumns([
      ['fleetwire-sim', `${s.dialect}  ${time}`],
      ['connected', `${int(s.connected)} / ${int(s.target)} (${pct(s.connected, s.target)})    metrics/s ${s.metricsPerSec.toFixed(1)}`],
      ...(s.dialect === 'monitor' ? [['commands', `received ${int(s.commands.received)}  answered ${int(s.commands.answered)}`]] : []),
      ['reconnects', `${int(s.reconnects)}    errors ${int(s.errors)}`],
      ...(s.codes.length ? [['codes', codesText(s.codes, ' ', '  ')]] : []),
    ]);
  }
  return alignColumns([
    ['fleetwire-sim', `${s.dialect}  ${time}`],
    ['connected', `${int(s.connected)} / ${int(s.target)} (${pct(s.connected, s.target)})    heartbeats/s ${s.heartbeatsPerSec.toFixed(1)}`],
    ['ack', `p50 ${lat(s.ack.p50, s.ack.count)}  p95 ${lat(s.ack.p95, s.ack.count)}  p99 ${lat(s.ack.p99, s.ack.count)}`],
    ['reconnects', `${int(s.reconnects)}    errors ${int(s.errors)}`],
    ...(s.codes.length ? [['codes', codesText(s.codes, ' ', '  ')]] : []),
    ['lifecycle', `starts ${int(l.starts)}  started ${int(l.started)}  stopped ${int(l.stopped)}  failed ${int(l.failed)}  timed out ${int(l.timedOut)}`],
  ]);
}

/** The non-terminal view: one greppable line (key=value), printed every few seconds. */
export function renderLiveLine(s: LiveSnapshot): string {
  const l = s.lifecycle;
  const c = s.ack.count;
  if (s.dialect !== 'fleet') {
    const cmds = s.dialect === 'monitor' ? ` commands=${s.commands.answered}/${s.commands.received}` : '';
    return `[${clock(s.elapsedMs)}] ${s.dialect} connected=${s.connected}/${s.target} metrics/s=${s.metricsPerSec.toFixed(1)}${cmds} reconnects=${s.reconnects} errors=${s.errors}${s.codes.length ? ` codes=${codesText(s.codes, '=', ',')}` : ''}`;
  }
  return (
    `[${clock(s.elapsedMs)}] ${s.dialect} connected=${s.connected}/${s.target} hb/s=${s.heartbeatsPerSec.toFixed(1)} ` +
    `ack_p50=${lat(s.ack.p50, c)} ack_p95=${lat(s.ack.p95, c)} ack_p99=${lat(s.ack.p99, c)} ` +
    `reconnects=${s.reconnects} errors=${s.errors}${s.codes.length ? ` codes=${codesText(s.codes, '=', ',')}` : ''} starts=${l.starts} started=${l.started} stopped=${l.stopped} failed=${l.failed} timed_out=${l.timedOut}`
  );
}

/**
 * Replaces a previously drawn block on a terminal: cursor up over the
 * previous `previousLines` lines, clear to the end, draw. First draw: 0.
 */
export function redraw(text: string, previousLines: number): string {
  return `${previousLines > 0 ? `\x1b[${previousLines}F\x1b[J` : ''}${text}\n`;
}

function latencyRow(report: Report, name: string, label: string): string[] {
  const h = report.findHistogram(name);
  if (!h || h.count === 0) return [label, 'no samples'];
  return [label, `p50 ${formatMs(h.percentileMs(50))}  p95 ${formatMs(h.percentileMs(95))}  p99 ${formatMs(h.percentileMs(99))}  max ${formatMs(h.maxMs)}  (n=${int(h.count)})`];
}

/** The rows every dialect shares, after its own: connect time, reconnects, errors by code. */
function commonRows(report: Report): string[][] {
  const n = (k: string) => report.counter(k);
  const rows: string[][] = [
    latencyRow(report, H.connect, 'connect time'),
    ['reconnects', `${int(n(C.reconnects))}  (disconnects ${int(n(C.disconnects))}, failed connects ${int(n(C.connectFailures))})`],
    ['errors', `${int(n(C.errors))}  (${pct(n(C.errors), n(C.messagesSent))} of ${int(n(C.messagesSent))} messages)`],
  ];
  // The breakdown sums to the total; connection events (lost, failed connects) are not errors and get their own row.
  for (const k of Object.keys(report.counters).sort()) if (k.startsWith('errors.')) rows.push([`  ${k.slice(7)}`, int(n(k))]);
  const events = Object.keys(report.counters).filter((k) => k.startsWith('connection_events.') && n(k) > 0).sort();
  if (events.length) rows.push(['connection events', events.map((k) => `${k.slice('connection_events.'.length)} ${int(n(k))}`).join('  ')]);
  const target = report.gauge(G.target);
  if (target > 0) rows.push(['agents got in', `${int(n(C.agentsIn))} of ${int(target)}${n(C.agentsIn) < target ? `  (${int(target - n(C.agentsIn))} never completed the handshake)` : ''}`]);
  return rows;
}

function fleetRows(report: Report): string[][] {
  const n = (k: string) => report.counter(k);
  const rows: string[][] = [
    ['heartbeats', `sent ${int(n(C.heartbeatsSent))}  acked ${int(n(C.heartbeatsAcked))}  (${report.durationMs > 0 ? ((n(C.heartbeatsAcked) * 1000) / report.durationMs).toFixed(1) : '0'}/s)`],
    latencyRow(report, H.ack, 'ack latency'),
    ['lifecycle events', `sent ${int(n(C.eventsSent))}  acked ${int(n(C.eventsAcked))}`],
    latencyRow(report, H.eventAck, 'event ack latency'),
    ...commonRows(report),
    ['lifecycle', `start commands ${int(n(C.startCommands))}  started ${int(n(C.instancesStarted))}  stopped ${int(n(C.instancesStopped))}  failed ${int(n(C.instancesFailed))}  timed out ${int(n(C.instancesTimedOut))}`],
  ];
  if (n('backend.heartbeats') + n('backend.lifecycle_receipts') > 0) {
    rows.push([
      'control plane saw',
      `heartbeats ${int(n('backend.heartbeats'))}  protocol errors ${int(n('backend.protocol_errors'))}  lifecycle receipts ${int(n('backend.lifecycle_receipts'))} (facts ${int(n('backend.lifecycle_facts'))})`,
    ]);
  }
  return rows;
}

/** monitor / vstats: metrics instead of acked heartbeats; commands (monitor); no acks, said so rather than shown empty. */
function wsDialectRows(report: Report): string[][] {
  const n = (k: string) => report.counter(k);
  const d = report.meta.dialect;
  const rows: string[][] = [
    ['metrics', `sent ${int(n(C.metricsSent))}  (${report.durationMs > 0 ? ((n(C.metricsSent) * 1000) / report.durationMs).toFixed(1) : '0'}/s)`],
  ];
  if (d === 'vstats') rows.push(['keepalives', `sent ${int(n(C.keepalivesSent))}`]);
  if (d === 'monitor') {
    rows.push(['commands', `received ${int(n(C.commandsReceived))}  answered ${int(n(C.commandsAnswered))}`]);
    const h = report.findHistogram(H.command);
    rows.push(h && h.count > 0 ? latencyRow(report, H.command, 'command round trip') : ['command round trip', 'no samples (measured at the embedded backend, which sends --commands-per-minute)']);
  }
  rows.push(['ack latency', `none: ${d} has no acks (ack_* and event_ack_* thresholds do not apply)`]);
  rows.push(...commonRows(report));
  if (n('backend.metrics') + n('backend.protocol_errors') + n('backend.commands_sent') > 0) {
    const cmds = d === 'monitor'
      ? `  commands sent ${int(n('backend.commands_sent'))} answered ${int(n('backend.commands_answered'))} failed ${int(n('backend.commands_failed'))} not delivered ${int(n('backend.commands_undelivered'))}`
      : '';
    rows.push(['control plane saw', `metrics ${int(n('backend.metrics'))}  protocol errors ${int(n('backend.protocol_errors'))}  auth failures ${int(n('backend.auth_failures'))}${cmds}`]);
  }
  return rows;
}

/** The end-of-run summary: aligned plain text, then thresholds as PASS/FAIL lines. */
export function renderSummary(report: Report, thresholds: readonly ThresholdResult[] = []): string {
  const m = report.meta;
  const n = (k: string) => report.counter(k);
  const rows: string[][] = [
    ['connected', `${int(report.gauge(G.connected))} / ${int(report.gauge(G.target))} (${pct(report.gauge(G.connected), report.gauge(G.target))})`],
    ...(m.dialect === 'fleet' ? fleetRows(report) : wsDialectRows(report)),
  ];
  const chaos = n(C.chaosDisconnects) + n(C.chaosMalformed) + n(C.chaosSlowAcks);
  if (chaos > 0) {
    const row = ['chaos', `disconnects ${int(n(C.chaosDisconnects))}  malformed ${int(n(C.chaosMalformed))}  slow ${m.dialect === 'monitor' ? 'answers' : 'acks'} ${int(n(C.chaosSlowAcks))}`];
    const backend = rows.findIndex((r) => r[0] === 'control plane saw');
    rows.splice(backend < 0 ? rows.length : backend, 0, row);
  }
  const head = `fleetwire-sim summary: ${m.dialect}, seed ${m.seed}, ${int(m.fleetAgents)} agents in the fleet, shards ${m.shards.join(' ')}, ${formatMs(report.durationMs)}`;
  let out = `${head}\n\n${alignColumns(rows)}\n`;
  if (report.storms.length > 0) out += `\nreconnect storms\n${report.storms.map((s) => `  ${renderStorm(stormFigures(s))}`).join('\n')}\n`;
  if (thresholds.length > 0) {
    const failed = thresholds.filter((t) => !t.pass).length;
    out += `\nthresholds (${thresholds.length - failed} passed, ${failed} failed)\n`;
    out += `${alignColumns(thresholds.map((t) => [t.pass ? 'PASS' : 'FAIL', t.expr, `actual ${t.actualText}`]))}\n`;
  }
  return out;
}
