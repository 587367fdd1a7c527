/**
 * The Kubernetes flow of deploy/simulator, run locally: the Indexed Job's own
 * command line (job.yaml, `$(VAR)` expanded the way the kubelet does, with
 * JOB_COMPLETION_INDEX = 0..SHARDS-1) as SHARDS simulator processes against one
 * control plane, then merge-job.yaml's shell command over their reports. The
 * merge covers the whole fleet once: every agent in exactly one shard, no shard
 * missing, counters the sums of the shards'. A manifest edit that breaks the
 * flow (a renamed flag, a path the merge does not read, SHARDS out of step
 * with completions) fails here.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { FleetPlan } from '../packages/simulator/src/model/fleet-plan.js';
import { Report, missingShards } from '../packages/simulator/src/report/report.js';
import { evaluateThresholds, parseThresholds } from '../packages/simulator/src/report/thresholds.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const MAIN = join(here, '../packages/simulator/src/cli/main.ts');

interface Container {
  command: string[];
  args: string[];
  env: { name: string; value: string }[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const docs = (file: string): any[] => parseAllDocuments(readFileSync(join(here, 'simulator', file), 'utf8')).map((d) => d.toJS());
const job = docs('job.yaml').find((d) => d.kind === 'Job');
const merge = docs('merge-job.yaml').find((d) => d.kind === 'Job');
const sim: Container = job.spec.template.spec.containers[0];
const merger: Container = merge.spec.template.spec.containers[0];
const envOf = (c: Container) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));

/** The kubelet's `$(VAR)` expansion in command and args. */
const expand = (s: string, env: Record<string, string>) => s.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (m, k: string) => env[k] ?? m);

const SHARDS = 3;
const AGENTS = 24;
const local = { AGENTS: String(AGENTS), SHARDS: String(SHARDS), DURATION: '3s', RAMP: '1000', HEARTBEAT_INTERVAL: '250ms' };

let backend: MockBackend;
let dir: string;
let path: string;
beforeAll(async () => {
  const env = envOf(sim);
  const plan = new FleetPlan({ seed: env.SEED!, agents: AGENTS, gpus: 1 });
  const keys = Array.from({ length: AGENTS }, (_, i) => plan.agent(i).key);
  backend = await startMockBackend({ host: '127.0.0.1', keys, ports: { fleet: 0, controlPlane: false, vstats: false, lightd: false, monitor: false, admin: false } });
  dir = mkdtempSync(join(tmpdir(), 'fleetwire-deploy-'));
  // `fleetwire-sim` on PATH, as in the image: the CLI from the sources.
  const bin = join(dir, 'bin');
  const shim = join(bin, 'fleetwire-sim');
  mkdirSync(bin);
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" --conditions=source --import tsx "${MAIN}" "$@"\n`);
  chmodSync(shim, 0o755);
  path = `${bin}:${process.env.PATH}`;
});
afterAll(() => backend?.close());

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'], cwd: here });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => resolve({ code, out }));
  });
}

describe('deploy/simulator: the Indexed Job and its merge, run locally', () => {
  it('SHARDS, completions and parallelism agree; the reports land where the merge reads them', () => {
    const shards = Number(envOf(sim).SHARDS);
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(shards);
    expect(job.spec.parallelism).toBe(shards);
    expect(Number(envOf(merger).SHARDS)).toBe(shards);
    expect(sim.args.join(' ')).toContain('--shard $(JOB_COMPLETION_INDEX)/$(SHARDS)');
    expect(sim.args.join(' ')).toContain('/reports/shard-$(JOB_COMPLETION_INDEX).json');
    expect(merger.args.join(' ')).toContain('/reports/shard-*.json');
  });

  it('N shard processes + the merge command cover the whole fleet exactly once', async () => {
    const shardRuns = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) => {
        const env = { ...envOf(sim), ...local, CONTROL_PLANE_URL: backend.fleetUrl, JOB_COMPLETION_INDEX: String(i) };
        const args = sim.args.map((a) => expand(a, env).replace('/reports/', `${dir}/`));
        return run(expand(sim.command[0]!, env), args);
      }),
    );
    for (const r of shardRuns) expect(r.code, r.out).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('shard-')).sort()).toEqual(['shard-0.json', 'shard-1.json', 'shard-2.json']);

    const script = merger.args.join(' ').replaceAll('/reports/', `${dir}/`);
    const m = await run(merger.command[0]!, [...merger.command.slice(1), script]);
    const merged = Report.fromJSON(JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')), 'merged.json');
    const parts = [0, 1, 2].map((i) => Report.fromJSON(JSON.parse(readFileSync(join(dir, `shard-${i}.json`), 'utf8')), `shard-${i}`));

    expect(merged.meta.shards).toEqual(['0/3', '1/3', '2/3']);
    expect(missingShards(merged.meta)).toEqual([]);
    expect(merged.gauge('target')).toBe(AGENTS); // every agent in exactly one shard
    expect(merged.gauge('connected')).toBe(AGENTS);
    for (const c of ['heartbeats_sent', 'heartbeats_acked']) {
      expect(merged.counter(c)).toBe(parts.reduce((s, p) => s + p.counter(c), 0));
      expect(merged.counter(c)).toBeGreaterThan(0);
    }
    // The merge's exit code is its thresholds' verdict on the merged report.
    const thresholds = parseThresholds([...script.matchAll(/--threshold '([^']+)'/g)].map((x) => x[1]!));
    expect(thresholds.length).toBeGreaterThan(0);
    const failed = evaluateThresholds(merged, thresholds).filter((t) => !t.pass);
    expect(m.code, m.out).toBe(failed.length > 0 ? 1 : 0);
  }, 180_000);
});
