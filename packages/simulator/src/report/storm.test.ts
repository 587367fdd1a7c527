import { describe, expect, it } from 'vitest';
import { Report, mergeReports } from './report.js';
import { mergeStorms, stormFigures, stormProblem, stormsProblem, type StormJSON } from './storm.js';
import { evaluateThresholds, parseThresholds } from './thresholds.js';

const storm = (o: Partial<StormJSON>): StormJSON => ({
  index: 1, mode: 'partition', atMs: 10_000, target: 100, connectedBefore: 100, back: [], attempts: [], failedAttempts: 0, downMs: 0, watchedMs: 20_000, ...o,
});
const meta = (shard: string) => ({ dialect: 'fleet', seed: 's', fleetAgents: 200, shards: [shard], startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:01:00.000Z' });

describe('storm figures', () => {
  it('time to 99 % / 100 % is the end of the bin where the running sum got there; a relapse (-1) counts', () => {
    // 100 agents: 50 back in bin 0, 49 in bin 3, one back in bin 5 but lost again in bin 6, back for good in bin 9.
    const f = stormFigures(storm({ back: [50, 0, 0, 49, 0, 1, -1, 0, 0, 1], attempts: [80, 40, 3], failedAttempts: 20 }));
    expect(f).toMatchObject({ backAtEnd: 100, to99Ms: 400, to100Ms: 600, attempts: 123, peakAttemptsPerSec: 80, failedAttempts: 20 });
  });

  it('agents missing at the end: no 100 % time, and stormProblem says how many and after how long', () => {
    const s = storm({ back: [60, 30] });
    expect(stormFigures(s)).toMatchObject({ backAtEnd: 90, to99Ms: null, to100Ms: null });
    expect(stormProblem([s])).toMatch(/^storm 1: 10 of 100 agents not back after 20\.0 s/);
    expect(stormProblem([storm({ back: [100] })])).toBeNull();
  });

  it('merging two shards adds their bins: the figures equal those of the whole', () => {
    const a = storm({ target: 100, back: [90, 10], attempts: [100], atMs: 10_003 });
    const b = storm({ target: 100, back: [50, 49, 0, 1], attempts: [60, 40], failedAttempts: 3, atMs: 10_001, watchedMs: 19_000 });
    const [m] = mergeStorms([[a], [b]]);
    expect(m).toMatchObject({ target: 200, back: [140, 59, 0, 1], attempts: [160, 40], failedAttempts: 3, atMs: 10_001, watchedMs: 19_000 });
    expect(stormFigures(m!)).toMatchObject({ to99Ms: 200, to100Ms: 400, peakAttemptsPerSec: 160 });
    // Through Report: JSON round trip and mergeReports keep them.
    const ra = new Report(meta('0/2'));
    ra.storms.push(a);
    const rb = Report.fromJSON(JSON.parse(JSON.stringify(Object.assign(new Report(meta('1/2')), { storms: [b] }).toJSON())));
    expect(mergeReports([ra, rb]).storms).toEqual([m]);
    expect(() => mergeStorms([[a], [storm({ mode: 'restart' })]])).toThrow(/storm 1: it was a partition in one report and a restart in another/);
  });

  it('bad storm lists in a report file are named', () => {
    expect(stormsProblem({})).toBe('is not an array');
    expect(stormsProblem([storm({ mode: 'flood' as 'partition' })])).toMatch(/\[0\]\.mode/);
    expect(stormsProblem([{ ...storm({}), back: 'x' }])).toMatch(/\[0\]\.back/);
    expect(stormsProblem([storm({ target: -1 })])).toMatch(/\[0\]\.target/);
    const json = { ...new Report(meta('0/1')).toJSON(), storms: [{ index: 0 }] };
    expect(() => Report.fromJSON(json, 'a.json')).toThrow(/a\.json: storms \[0\]\.index/);
  });
});

describe('storm thresholds', () => {
  const report = (storms: StormJSON[]) => Object.assign(new Report(meta('0/1')), { storms });
  const check = (r: Report, ...exprs: string[]) => evaluateThresholds(r, parseThresholds(exprs)).map((x) => `${x.pass ? 'PASS' : 'FAIL'} ${x.expr} ${x.actualText}`);

  it('times are the slowest storm\'s; a storm never complete fails with "never"; storm_back is the worst storm\'s share', () => {
    const r = report([storm({ back: [100] }), storm({ index: 2, back: [95, 0, 0, 0, 0, 0, 0, 0, 0, 5], attempts: [10, 300] })]);
    expect(check(r, 'storm_to99<500ms', 'storm_to100<=1s', 'storm_back>=100%', 'storm_attempts_peak<300', 'storm_failed_attempts==0')).toEqual([
      'FAIL storm_to99<500ms 1.0s',
      'PASS storm_to100<=1s 1.0s',
      'PASS storm_back>=100% 100%',
      'FAIL storm_attempts_peak<300 300',
      'PASS storm_failed_attempts==0 0',
    ]);
    const missing = report([storm({ back: [100] }), storm({ index: 2, back: [97] })]);
    expect(check(missing, 'storm_to100<1m', 'storm_back>=99%', 'storm_back==100%')).toEqual(['FAIL storm_to100<1m never', 'FAIL storm_back>=99% 97%', 'FAIL storm_back==100% 97%']);
    expect(check(report([]), 'storm_to99<1s')).toEqual(['FAIL storm_to99<1s no storms']);
  });

  it('a storm time needs a duration', () => {
    expect(() => parseThresholds(['storm_to99<lots'])).toThrow(/"lots" is not a duration/);
  });
});
