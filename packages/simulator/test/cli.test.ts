/**
 * The CLI as CI runs it (spawned): thresholds pass → 0, fail → 1 naming the
 * failed ones, bad input → 2; `merge` of the two shard reports of a run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report } from '../src/report/report.js';
import { sim } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetwire-sim-cli-'));


const SMALL = ['run', '--agents', '6', '--duration', '1500ms', '--heartbeat-interval', '200ms', '--live', 'plain', '--rentals-per-minute', '0'];

describe('fleetwire-sim CLI', () => {
  it('exit codes: thresholds pass → 0, fail → 1 naming them, bad input → 2', async () => {
    const [pass, fail, bad, badThreshold] = await Promise.all([
      sim([...SMALL, '--threshold', 'heartbeats>=99%', '--threshold', 'connected>=100%', '--threshold', 'ack_p99<5s']),
      sim([...SMALL, '--threshold', 'ack_p99<1ms', '--threshold', 'connected>=100%', '--threshold', 'reconnects>5']),
      sim(['run', '--agents', 'many']),
      sim(['run', '--threshold', 'latency<5']),
    ]);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toContain('PASS  connected>=100%');
    expect(pass.stderr).toContain('started the mock backend in this process');
    expect(fail.code, fail.stderr).toBe(1);
    expect(fail.stderr).toMatch(/2 threshold\(s\) failed: ack_p99<1ms \(actual [^)]+\), reconnects>5 \(actual 0\)/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--agents: expected an agent count');
    expect(badThreshold.code).toBe(2);
    expect(badThreshold.stderr).toContain('unknown metric "latency"');
  }, 60_000);

  it('heartbeats still in flight when the run ends are waited for, not counted as lost', async () => {
    // Every ack comes 400 ms late, so several heartbeats are always in flight at the end.
    const r = await sim([...SMALL, '--chaos-slow-ack', '100%:400ms', '--threshold', 'heartbeats>=100%']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
  }, 60_000);

  it('--processes 2 and --workers 2 spread the fleet and merge the reports; both at once is refused', async () => {
    const outP = join(dir, 'processes.json');
    const outW = join(dir, 'workers.json');
    // The 4 s run clock starts once both children are up (tsx boots slowly on a loaded box),
    // so the timeout below covers the start-up, not the duration.
    const LONGER = ['--agents', '10', '--duration', '4s'];
    const [p, w, both] = await Promise.all([
      sim([...SMALL, ...LONGER, '--processes', '2', '--out', outP, '--threshold', 'connected>=100%']),
      sim([...SMALL, ...LONGER, '--workers', '2', '--out', outW, '--threshold', 'connected>=100%']),
      sim(['run', '--processes', '2', '--workers', '2']),
    ]);
    for (const [r, out, kind] of [[p, outP, 'process'], [w, outW, 'thread']] as const) {
      expect(r.code, r.stderr).toBe(0);
      const report = Report.fromJSON(JSON.parse(readFileSync(out, 'utf8')), out);
      expect(report.gauge('connected')).toBe(10);
      expect(report.counter('heartbeats_acked')).toBeGreaterThan(10);
      expect(r.stderr).toContain(kind === 'process' ? '2 processes' : '2 workers');
    }
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--workers and --processes: pick one');
  }, 120_000);

  it('--dialect monitor: metrics, commands from the embedded backend, thresholds of that dialect → 0; a fleet-only threshold → 2', async () => {
    const out = join(dir, 'monitor.json');
    const MON = ['run', '--dialect', 'monitor', '--agents', '6', '--duration', '2s', '--heartbeat-interval', '200ms', '--live', 'plain', '--commands-per-minute', '1200'];
    const [ok, refused] = await Promise.all([
      sim([...MON, '--out', out, '--threshold', 'connected>=100%', '--threshold', 'errors<1%', '--threshold', 'metrics>=90%', '--threshold', 'command_p99<2s']),
      sim([...MON, '--threshold', 'ack_p99<100ms']),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('6 of 6 monitor agents');
    expect(ok.stdout).toMatch(/\] monitor connected=6\/6 metrics\/s=/);
    expect(ok.stdout).toContain('none: monitor has no acks');
    expect(ok.stdout).toMatch(/command round trip +p50 /);
    expect(ok.stdout).toContain('PASS  command_p99<2s');
    const r = Report.fromJSON(JSON.parse(readFileSync(out, 'utf8')));
    expect(r.meta.dialect).toBe('monitor');
    expect(r.counter('metrics_sent')).toBeGreaterThan(6 * 5);
    expect(r.counter('backend.metrics')).toBeGreaterThan(0);
    expect(r.counter('backend.commands_answered')).toBeGreaterThan(0);
    expect(r.histogram('command').count).toBe(r.counter('backend.commands_answered'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('monitor agents get no acks and no rentals, so ack has no samples');
  }, 60_000);

  it('two shard runs merge into one report covering the whole fleet; merge thresholds set the exit code', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const runs = await Promise.all([sim([...SMALL, '--shard', '0/2', '--out', a]), sim([...SMALL, '--shard', '1/2', '--out', b])]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const merged = join(dir, 'merged.json');
    const ok = await sim(['merge', a, b, '--out', merged, '--threshold', 'connected>=100%']);
    expect(ok.code, ok.stderr).toBe(0);
    const m = Report.fromJSON(JSON.parse(readFileSync(merged, 'utf8')));
    const ra = Report.fromJSON(JSON.parse(readFileSync(a, 'utf8')));
    const rb = Report.fromJSON(JSON.parse(readFileSync(b, 'utf8')));
    expect(m.meta.shards).toEqual(['0/2', '1/2']);
    expect(m.gauge('target')).toBe(6);
    expect(m.counter('heartbeats_acked')).toBe(ra.counter('heartbeats_acked') + rb.counter('heartbeats_acked'));
    expect(m.histogram('ack').count).toBe(ra.histogram('ack').count + rb.histogram('ack').count);
    const failing = await sim(['merge', a, b, '--threshold', 'connected>=101%']);
    expect(failing.code).toBe(1);
    const twice = await sim(['merge', a, a]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('appears in more than one report');
  }, 60_000);
});
