import { describe, expect, it } from 'vitest';
import { alignColumns, redraw, renderLiveLine, renderLiveTty, renderSummary, snapshotFrom, type LiveSnapshot } from './render.js';
import { C, errorCounter, G, H, Report } from './report.js';
import { evaluateThresholds, parseThresholds } from './thresholds.js';

function report(): Report {
  const r = new Report({ dialect: 'fleet', seed: '42', fleetAgents: 10_000, shards: ['0/1'], startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:05:00.000Z' });
  for (let i = 1; i <= 1000; i++) r.recordLatency(H.ack, i / 100);
  r.count(C.heartbeatsSent, 600_000);
  r.count(C.heartbeatsAcked, 599_000);
  r.count(C.messagesSent, 600_100);
  r.count(C.errors, 7);
  r.count(errorCounter('FW_ACK_TIMEOUT'), 7);
  r.count(C.reconnects, 12);
  r.count(C.startCommands, 40);
  r.count(C.instancesStarted, 38);
  r.count(C.instancesFailed, 2);
  r.setGauge(G.connected, 9950);
  r.setGauge(G.target, 10_000);
  return r;
}

const snap = (): LiveSnapshot => snapshotFrom(report(), 42_000, { elapsedMs: 41_000, heartbeatsAcked: 597_000 }, 300_000);

describe('snapshotFrom', () => {
  it('takes the rate over the interval since the previous snapshot', () => {
    const s = snap();
    expect(s.heartbeatsPerSec).toBe(2000);
    expect(s.connected).toBe(9950);
    expect(s.ack.p99).toBeCloseTo(9.9, 1);
    expect(s.lifecycle).toEqual({ starts: 40, started: 38, stopped: 0, failed: 2, timedOut: 0 });
    expect(snapshotFrom(report(), 0).heartbeatsPerSec).toBe(0);
  });
});

describe('live views', () => {
  it('TTY: a compact aligned block with everything the issue lists', () => {
    const text = renderLiveTty(snap());
    const lines = text.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('fleetwire-sim  fleet  00:42 / 05:00');
    expect(lines[1]).toBe('connected      9,950 / 10,000 (99.5%)    heartbeats/s 2000.0');
    expect(lines[2]).toMatch(/^ack {12}p50 5\.0\dms {2}p95 9\.5\dms {2}p99 9\.9\dms$/);
    expect(lines[3]).toBe('reconnects     12    errors 7');
    expect(lines[4]).toBe('codes          FW_ACK_TIMEOUT 7'); // what went wrong, as it happens, not only a count
    expect(lines[5]).toBe('lifecycle      starts 40  started 38  stopped 0  failed 2  timed out 0');
    // Values start in the same column on every line.
    expect(new Set(lines.map((l) => l.search(/(?<=\s{2})\S/))).size).toBe(1);
  });

  it('non-TTY: one plain line, no escape codes', () => {
    const line = renderLiveLine(snap());
    expect(line).not.toContain('\n');
    expect(line).not.toContain('\x1b');
    expect(line).toMatch(/^\[00:42\] fleet connected=9950\/10000 hb\/s=2000\.0 ack_p50=5\.0\dms ack_p95=9\.5\dms ack_p99=9\.9\dms reconnects=12 errors=7 codes=FW_ACK_TIMEOUT=7 starts=40 started=38 stopped=0 failed=2 timed_out=0$/);
  });

  it('before any ack, latencies show "-" not 0', () => {
    const empty = new Report({ dialect: 'fleet', seed: '1', fleetAgents: 1, shards: ['0/1'], startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:00:00.000Z' });
    expect(renderLiveLine(snapshotFrom(empty, 1000))).toContain('ack_p50=- ack_p95=- ack_p99=-');
    expect(renderLiveTty(snapshotFrom(empty, 3_700_000))).toContain('1:01:40 (Ctrl-C to stop)');
  });

  it('redraw moves up over the previous block and clears it', () => {
    expect(redraw('a\nb', 0)).toBe('a\nb\n');
    expect(redraw('a\nb', 2)).toBe('\x1b[2F\x1b[Ja\nb\n');
  });
});

describe('live view error codes', () => {
  it('shows each code with its count, largest first, connection events included', () => {
    const r = report();
    r.count('connection_events.FW_CONNECTION_LOST', 66);
    r.count(errorCounter('FW_AUTH_REJECTED'), 20);
    r.count(C.errors, 20);
    expect(renderLiveLine(snapshotFrom(r, 1000))).toContain('errors=27 codes=FW_CONNECTION_LOST=66,FW_AUTH_REJECTED=20,FW_ACK_TIMEOUT=7');
    expect(renderLiveTty(snapshotFrom(r, 1000))).toContain('codes          FW_CONNECTION_LOST 66  FW_AUTH_REJECTED 20  FW_ACK_TIMEOUT 7');
  });
});

describe('summary errors agree with their breakdown', () => {
  it('the per-code rows under errors sum to the total; connection events are on their own row', () => {
    const r = report();
    r.count('connection_events.FW_CONNECTION_LOST', 66);
    const text = renderSummary(r);
    const errorsAt = text.split('\n').findIndex((l) => l.startsWith('errors '));
    const total = Number(/^errors\s+(\d+)/.exec(text.split('\n')[errorsAt]!)![1]);
    const codes = text.split('\n').slice(errorsAt + 1).filter((l) => /^ {2}FW_/.test(l)).map((l) => Number(l.trim().split(/\s+/)[1]));
    expect(codes.reduce((a, b) => a + b, 0)).toBe(total);
    expect(text).toMatch(/connection events\s+FW_CONNECTION_LOST 66/);
  });
});

describe('renderSummary', () => {
  it('an aligned table with per-code errors and threshold verdicts', () => {
    const r = report();
    const results = evaluateThresholds(r, parseThresholds(['ack_p99<100ms', 'reconnects<10']));
    const text = renderSummary(r, results);
    expect(text).toContain('fleetwire-sim summary: fleet, seed 42, 10,000 agents in the fleet, shards 0/1, 5m00s');
    expect(text).toMatch(/^connected {10}9,950 \/ 10,000 \(99\.5%\)$/m);
    expect(text).toMatch(/^heartbeats {9}sent 600,000 {2}acked 599,000 {2}\(1996\.7\/s\)$/m);
    expect(text).toMatch(/^ack latency {8}p50 5\.0\dms .* \(n=1,000\)$/m);
    expect(text).toMatch(/^connect time {7}no samples$/m);
    expect(text).toMatch(/^ {2}FW_ACK_TIMEOUT {3}7$/m);
    expect(text).toContain('thresholds (1 passed, 1 failed)');
    expect(text).toMatch(/^PASS {2}ack_p99<100ms {2}actual 9\.9\dms$/m);
    expect(text).toMatch(/^FAIL {2}reconnects<10 {2}actual 12$/m);
  });

  it('alignColumns pads all but the last column', () => {
    expect(alignColumns([['a', 'bb', 'c'], ['ddd', 'e', 'f']])).toBe('a    bb  c\nddd  e   f');
  });
});

describe('monitor and vstats', () => {
  function wsReport(dialect: 'monitor' | 'vstats'): Report {
    const r = new Report({ dialect, seed: '1', fleetAgents: 100, shards: ['0/1'], startedAt: '2024-01-01T00:00:00.000Z', endedAt: '2024-01-01T00:00:10.000Z' });
    r.setGauge(G.target, 100);
    r.setGauge(G.connected, 100);
    r.count(C.metricsSent, 200);
    r.count(C.messagesSent, 210);
    r.count(C.commandsReceived, 10);
    r.count(C.commandsAnswered, 10);
    r.count('backend.metrics', 200);
    r.count('backend.commands_sent', 10);
    r.count('backend.commands_answered', 10);
    for (let i = 1; i <= 10; i++) r.recordLatency(H.command, i);
    return r;
  }

  it('live views show metrics/s and commands instead of acks and lifecycle', () => {
    const s = snapshotFrom(wsReport('monitor'), 10_000, { elapsedMs: 9_000, heartbeatsAcked: 0, metricsSent: 180 });
    expect(s.metricsPerSec).toBe(20);
    expect(renderLiveLine(s)).toBe('[00:10] monitor connected=100/100 metrics/s=20.0 commands=10/10 reconnects=0 errors=0');
    const tty = renderLiveTty(s).split('\n');
    expect(tty[1]).toBe('connected      100 / 100 (100.0%)    metrics/s 20.0');
    expect(tty[2]).toBe('commands       received 10  answered 10');
    expect(renderLiveTty(snapshotFrom(wsReport('vstats'), 10_000))).not.toContain('commands');
  });

  it('the summary says there are no acks, shows metrics, commands and their round trip', () => {
    const text = renderSummary(wsReport('monitor'));
    expect(text).toMatch(/metrics +sent 200 {2}\(20\.0\/s\)/);
    expect(text).toMatch(/command round trip +p50 5\.\d+ms/);
    expect(text).toContain('ack latency         none: monitor has no acks');
    expect(text).toMatch(/control plane saw +metrics 200 .* commands sent 10 answered 10/);
    expect(text).not.toContain('lifecycle');
    const v = renderSummary(wsReport('vstats'));
    expect(v).toContain('none: vstats has no acks');
    expect(v).not.toContain('command round trip');
  });
});
