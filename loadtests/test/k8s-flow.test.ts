/**
 * The k6-operator flow runs what the TestRun says (issue 14, problem 4).
 *
 * The ConfigMap input is built by running loadtests/k8s/configmap.sh itself,
 * with `kubectl` (and `k6`, for the archive model) replaced by stubs that
 * capture what would be uploaded. What a runner then has in force is worked
 * out the way k6 does it:
 * - a plain script: init runs on the runner with the pod's env as `__ENV`, and
 *   the exported options are the ones used;
 * - a k6 archive: the options computed when the archive was built are used,
 *   the script's exported options are ignored (k6 js/bundle.go
 *   NewBundleFromArchive → newBundle(…, arc.Options, updateOptions=false)),
 *   while `__ENV` is the archive's env overlaid with the runtime env.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanup, runVu } from './run-vu.ts';

const loadtests = resolve(import.meta.dirname, '..');
const k8s = join(loadtests, 'k8s');
const scratch = mkdtempSync(join(tmpdir(), 'fw-k8s-'));
afterAll(() => {
  cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface TestRun {
  spec: { parallelism: number; script: { configMap: { name: string; file: string } }; runner: { image: string; env: EnvVar[] } };
}
function testRun(file: string): { spec: TestRun['spec']; env: Record<string, string>; vars: EnvVar[] } {
  const doc = parse(readFileSync(join(k8s, file), 'utf8')) as TestRun;
  const vars = doc.spec.runner.env;
  return { spec: doc.spec, vars, env: Object.fromEntries(vars.filter((v) => v.value !== undefined).map((v) => [v.name, v.value as string])) };
}

/** A stub that models `k6 archive [-e K=V]… -O out script`: it records the script and the -e env (what the archive freezes). */
const K6_STUB = `#!/usr/bin/env node
const a = process.argv.slice(2);
if (a[0] !== 'archive') { console.error('k6 stub: only archive'); process.exit(2); }
const env = {}; let out = 'archive.tar'; let script;
for (let i = 1; i < a.length; i++) {
  if (a[i] === '-e' || a[i] === '--env') { const [k, ...v] = a[++i].split('='); env[k] = v.join('='); }
  else if (a[i] === '-O' || a[i] === '--archive-out') out = a[++i];
  else script = a[i];
}
require('node:fs').writeFileSync(out, JSON.stringify({ k6ArchiveModel: true, script, env }));
`;
/** `kubectl create configmap NAME --from-file=KEY=PATH…` copies each file to $CAPTURE/KEY; everything else succeeds silently. */
const KUBECTL_STUB = `#!/bin/sh
[ "$1 $2" = "create configmap" ] || exit 0
shift 3
for a in "$@"; do
  case "$a" in --from-file=*=*) kv="\${a#--from-file=}"; cp "\${kv#*=}" "$CAPTURE/\${kv%%=*}";; esac
done
`;

/** Runs a packaging script the way a user does; returns the ConfigMap's files (key → path) and the script's output. */
function packageWith(script: string, args: string[], env: Record<string, string> = {}): { files: Record<string, string>; status: number | null; output: string } {
  const dir = mkdtempSync(join(scratch, 'run-'));
  const bin = join(dir, 'bin');
  const capture = join(dir, 'configmap');
  mkdirSync(bin);
  mkdirSync(capture);
  writeFileSync(join(bin, 'k6'), K6_STUB);
  writeFileSync(join(bin, 'kubectl'), KUBECTL_STUB);
  chmodSync(join(bin, 'k6'), 0o755);
  chmodSync(join(bin, 'kubectl'), 0o755);
  const r = spawnSync('sh', [script, ...args], { env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, CAPTURE: capture }, encoding: 'utf8', timeout: 60_000 });
  const files = Object.fromEntries(readdirSync(capture).map((f) => [f, join(capture, f)]));
  return { files, status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The options a runner has in force for this ConfigMap file under the TestRun's env (see the header). */
async function inForce(file: string, runtimeEnv: Record<string, string>) {
  const text = readFileSync(file, 'utf8');
  if (text.startsWith('{"k6ArchiveModel"')) {
    const arc = JSON.parse(text) as { script: string; env: Record<string, string> };
    const dialect = arc.script.replace(/^.*\//, '').replace(/\.ts$/, '');
    const built = await runVu(dialect, arc.env, { initOnly: true, exactEnv: true });
    return { options: built.options, error: built.error };
  }
  const r = await runVu(`configmap-${file.replace(/^.*\//, '')}`, runtimeEnv, { entry: file, initOnly: true, exactEnv: true });
  return { options: r.options, error: r.error };
}

const script = join(k8s, 'configmap.sh');

describe('k6-operator: the ConfigMap runs what the TestRun asks for', { timeout: 60_000 }, () => {
  it('fleet: AGENTS, RAMP, DURATION and THRESHOLDS of testrun.yaml are the scenario and thresholds in force', async () => {
    const tr = testRun('testrun.yaml');
    const pkg = packageWith(script, ['fleet']);
    expect(pkg.status, pkg.output).toBe(0);
    const uploaded = Object.values(pkg.files);
    expect(uploaded).toHaveLength(1);
    const { options, error } = await inForce(uploaded[0] as string, tr.env);
    expect(error).toBeUndefined();
    const agents = Number(tr.env.AGENTS);
    expect(agents).toBe(2000);
    expect(options.scenarios?.fleet?.stages).toEqual([
      { duration: tr.env.RAMP, target: agents },
      { duration: tr.env.DURATION, target: agents },
    ]);
    for (const [metric, exprs] of Object.entries(JSON.parse(tr.env.THRESHOLDS as string) as Record<string, string[]>)) {
      expect(options.thresholds[metric]).toEqual(exprs);
    }
    // The defaults THRESHOLDS does not name stay, including the ones that make an empty run fail.
    expect(options.thresholds.fleet_sessions).toEqual(['count>0']);
    expect(options.thresholds.fleet_acks_lost).toEqual(['count<1']);
    // …and the TestRun names the file the ConfigMap holds.
    expect(Object.keys(pkg.files)).toEqual([tr.spec.script.configMap.file]);
    expect(tr.spec.script.configMap.name).toBe('fleetwire-fleet');
  });

  it('fleet with a keys file: the keys ride in the ConfigMap as keys.txt, for KEYS_FILE=/test/keys.txt', async () => {
    const keys = join(scratch, 'keys.txt');
    writeFileSync(keys, 'k-1\nk-2\nk-3\n');
    const pkg = packageWith(script, ['fleet', keys]);
    expect(pkg.status, pkg.output).toBe(0);
    expect(Object.keys(pkg.files).sort()).toEqual(['fleet.js', 'keys.txt']);
    expect(readFileSync(pkg.files['keys.txt'] as string, 'utf8')).toBe('k-1\nk-2\nk-3\n');
    expect(readFileSync(join(k8s, 'testrun.yaml'), 'utf8')).toContain('value: /test/keys.txt');
  });

  it('why not a k6 archive: one built without the TestRun env would freeze the defaults (10 agents, 1 m, no THRESHOLDS)', async () => {
    const tr = testRun('testrun.yaml');
    const archive = join(scratch, 'fleet-archive.json');
    writeFileSync(archive, JSON.stringify({ k6ArchiveModel: true, script: join(loadtests, 'fleet.ts'), env: {} }));
    const { options } = await inForce(archive, tr.env);
    expect(options.scenarios?.fleet?.stages).toEqual([
      { duration: '10s', target: 10 },
      { duration: '1m', target: 10 },
    ]);
    expect(options.thresholds.fleet_heartbeat_ack_ms).toEqual(['p(95)<250', 'p(99)<1000']);
  });

  it('lightd: packaged without credentials, none baked in; the token comes from a Secret at run time', async () => {
    const tr = testRun('testrun-lightd.yaml');
    // Even with a token in the packager's environment, nothing of it may reach the ConfigMap.
    const pkg = packageWith(script, ['lightd'], { LIGHTD_TOKEN: 'lightd_sekrit-from-the-shell', ADMIN_TOKEN: 'fwadm_sekrit' });
    expect(pkg.status, pkg.output).toBe(0);
    const bundle = readFileSync(pkg.files['lightd.js'] as string, 'utf8');
    expect(bundle).not.toContain('sekrit');
    // The TestRun takes the token from a Secret, never as a literal value.
    const tokenVars = tr.vars.filter((v) => ['LIGHTD_TOKEN', 'ADMIN_TOKEN'].includes(v.name));
    expect(tokenVars.length).toBeGreaterThan(0);
    for (const v of tokenVars) {
      expect(v.value).toBeUndefined();
      expect(v.valueFrom?.secretKeyRef?.name).toBeTruthy();
    }
    // The operator's initializer (k6 inspect: init only) runs without the secret…
    const { options, error } = await inForce(pkg.files['lightd.js'] as string, tr.env);
    expect(error).toBeUndefined();
    expect(options.scenarios?.lightd?.stages?.[1]).toEqual({ duration: tr.env.DURATION, target: Number(tr.env.AGENTS) });
    expect(options.thresholds.lightd_command_echo_ms).toEqual(['p(95)<800']);
    // …and a run without it stops in setup() naming what to set.
    const run = await runVu('configmap-lightd.js', { ...tr.env, SUMMARY_JSON: '-' }, { entry: pkg.files['lightd.js'], exactEnv: true });
    expect(run.error).toMatch(/LIGHTD_TOKEN/);
    expect(run.exitCode).toBe(107);
  });

  it('an unknown dialect is refused with the list of dialects', () => {
    const pkg = packageWith(script, ['fleeet']);
    expect(pkg.status).not.toBe(0);
    expect(pkg.output).toMatch(/unknown dialect "fleeet"; expected one of fleet, monitor, vstats, lightd, control-plane/);
  });
});

describe('k6 version: the minimum the scripts need, stated and pinned', () => {
  const scripts = ['fleet', 'monitor', 'vstats', 'lightd', 'control-plane', 'session', 'common'];
  it('the scripts use k6/websockets (k6 ≥ 1.6.0), never the experimental module', () => {
    const imports = scripts.flatMap((s) => [...readFileSync(join(loadtests, `${s}.ts`), 'utf8').matchAll(/from '(k6\/[^']*websockets)'/g)].map((m) => m[1]));
    expect(new Set(imports)).toEqual(new Set(['k6/websockets']));
  });
  it('README states k6 ≥ 1.6.0 and every TestRun pins an image at least that', () => {
    expect(readFileSync(join(loadtests, 'README.md'), 'utf8')).toContain('k6 ≥ 1.6.0');
    for (const f of ['testrun.yaml', 'testrun-lightd.yaml']) {
      const m = /^grafana\/k6:(\d+)\.(\d+)\.(\d+)$/.exec(testRun(f).spec.runner.image);
      expect(m, f).not.toBeNull();
      const [maj, min] = [Number(m?.[1]), Number(m?.[2])];
      expect(maj > 1 || (maj === 1 && min >= 6), f).toBe(true);
    }
  });
});
