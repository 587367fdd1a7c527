/**
 * `fleetwire-sim run --scenario storm` end to end (the CLI spawned, embedded
 * mock backend, ~50 agents): a partition over two worker threads and a restart
 * of the child-process backend each give a storm section in which every agent
 * came back, with times inside the watch and every agent's reconnect attempt
 * counted; a restart the agents cannot come back from before the run ends
 * fails the run (exit 1) and says how many are missing.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { stormFigures, type StormJSON } from '../src/report/storm.js';
import { sim } from './helpers.js';

const SCHEMA = fileURLToPath(new URL('../report.schema.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fleetwire-sim-storm-'));
const out = { partition: join(dir, 'partition.json'), restart: join(dir, 'restart.json'), html: join(dir, 'partition.html') };
const AGENTS = 50;
const common = ['run', '--agents', String(AGENTS), '--ramp', '100', '--heartbeat-interval', '1s', '--live', 'off', '--scenario', 'storm', '--rentals-per-minute', '0'];

type Run = Awaited<ReturnType<typeof sim>>;
let partition: Run;
let restart: Run;
let stranded: Run;

beforeAll(async () => {
  // Concurrently: each waits mostly on timers, and the three together take as long as the longest.
  [partition, restart, stranded] = await Promise.all([
    sim([...common, '--workers', '2', '--storm-at', '3s', '--storm-count', '2', '--storm-every', '4s', '--duration', '12s', '--out', out.partition, '--html', out.html]),
    sim([...common, '--embedded-backend', 'child', '--storm-mode', 'restart', '--storm-at', '3s', '--duration', '12s', '--out', out.restart]),
    // Down for 6 s, and the run ends 2 s after the storm: the backend is not even back when it ends.
    sim([...common, '--storm-mode', 'restart', '--storm-down', '6s', '--storm-at', '3s', '--duration', '5s']),
  ]);
}, 150_000);

const storms = (file: string): StormJSON[] => {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  return report.storms;
};

describe('--scenario storm', () => {
  it('partition (2 worker threads, 2 storms): every agent back each time, times within the watch, one attempt per agent at least', () => {
    expect(partition.code, partition.stderr).toBe(0);
    expect(partition.stderr).toMatch(/storm 1: dropped every agent's connection at once \(partition\)/);
    expect(partition.stdout).toMatch(/reconnect storms\n {2}storm 1 \(partition at 3\.\d s\): \d+ connected before; 99% back in \d+\.\d s, 100% in \d+\.\d s; 50\/50 back \(100%\)/);
    const s = storms(out.partition);
    expect(s.map((x) => x.index)).toEqual([1, 2]);
    for (const x of s) {
      const f = stormFigures(x);
      expect(f, JSON.stringify(x)).toMatchObject({ mode: 'partition', target: AGENTS, connectedBefore: AGENTS, backAtEnd: AGENTS, downMs: 0 });
      expect(f.to100Ms).toBeGreaterThan(0);
      expect(f.to99Ms!).toBeLessThanOrEqual(f.to100Ms!);
      expect(f.to100Ms!).toBeLessThan(f.watchedMs);
      // Every dropped agent reconnects at least once (more when an attempt failed).
      expect(f.attempts).toBeGreaterThanOrEqual(AGENTS);
      expect(f.peakAttemptsPerSec).toBeGreaterThan(0);
    }
    const html = readFileSync(out.html, 'utf8');
    expect(html).toMatch(/<h2>Reconnect storms<\/h2><table>.*<tr class="pass"><td>1<\/td><td>partition<\/td>.*<td>50 \/ 50<\/td>/s);
    expect(s[1]!.atMs - s[0]!.atMs).toBeGreaterThan(3000); // --storm-every 4s (the first may fire late, the second on time)
  });

  it('restart of the child-process backend: killed and listening again on the same port, every agent re-admitted', () => {
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stderr).toMatch(/storm 1: killed the mock backend \(pid \d+\); listening again after [\d.]+m?s \(pid \d+\)/);
    const [s] = storms(out.restart);
    const f = stormFigures(s!);
    expect(f).toMatchObject({ mode: 'restart', target: AGENTS, connectedBefore: AGENTS, backAtEnd: AGENTS });
    expect(f.downMs).toBeGreaterThan(0);
    // Nobody gets back before the backend listens again.
    expect(f.to99Ms!).toBeGreaterThanOrEqual(Math.floor(f.downMs / 100) * 100);
    expect(f.to100Ms!).toBeLessThan(f.watchedMs);
    expect(f.attempts).toBeGreaterThanOrEqual(AGENTS);
    expect(restart.stdout).toMatch(/storm 1 \(restart at 3\.\d s, control plane down [\d.]+ s\)/);
  });

  it('agents not back when the run ends: exit 1, and the summary and stderr say how many', () => {
    expect(stranded.code, stranded.stderr).toBe(1);
    expect(stranded.stdout).toMatch(/← \d+ not back after/);
    expect(stranded.stderr).toMatch(/storm 1: \d+ of 50 agents not back after [\d.]+ s \(give the run more time after the storm, or set a --threshold on storm_back\)/);
  });
});
