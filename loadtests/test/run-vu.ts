/**
 * Runs one VU of a k6 script in Node: esbuild bundles the script with k6's
 * modules mapped to the shims (./k6-shim.ts, ./k6-http-shim.ts), and a worker
 * thread runs init → setup() → default(data) in k6's iteration loop (an
 * iteration ends when its sockets have closed) → the end-of-test thresholds and
 * handleSummary() (./k6-end-of-test.ts). The worker keeps the test's main thread free, so a mock
 * backend started by the test answers while the VU blocks in k6-style sync
 * calls (http, sleep).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { endOfTest, exitCode, type MetricDef } from './k6-end-of-test.ts';

const here = resolve(import.meta.dirname);

export type Samples = Record<string, { value: number; tags?: Record<string, string> }[]>;

export interface VuResult {
  samples: Samples;
  /** console.warn / console.error lines of the script. */
  warnings: string[];
  /** Requests made through k6/http. */
  requests: { method: string; url: string; status: number }[];
  /** The exception that aborted init, setup() or (first of them) an iteration, if any. */
  error?: string;
  /** Exceptions that escaped the script's default function (k6 logs each and starts the next iteration). */
  iterationErrors: string[];
  /** Iterations the VU ran (k6's ramping-vus loop: a new one while the scenario lasts). */
  iterations: number;
  /** WebSockets the VU opened over the whole run. */
  sockets: number;
  /** An iteration was still running when gracefulStop ran out. */
  interrupted: boolean;
  options: { thresholds: Record<string, string[]>; scenarios?: Record<string, { stages: { duration: string; target: number }[] }>; summaryTrendStats?: string[] };
  /** What handleSummary returned for the data k6 would hand it (see ./k6-end-of-test.ts). */
  summary?: Record<string, string>;
  /** Thresholds that failed, as k6 evaluates them at the end. */
  failedThresholds: string[];
  /** The exit code `k6 run` would return: 0, 99 (thresholds) or 107 (init/setup threw). */
  exitCode: number;
  /** How many of `name`'s samples satisfy `pred` (all by default). */
  count(name: string, pred?: (v: number, tags?: Record<string, string>) => boolean): number;
}

const WORKER = `
import { workerData, parentPort } from 'node:worker_threads';
const warnings = [];
for (const level of ['warn', 'error']) {
  const orig = console[level].bind(console);
  console[level] = (...a) => (warnings.push(a.map(String).join(' ')), workerData.quiet || orig(...a));
}
if (workerData.quiet) console.info = console.log = () => {};
globalThis.__ENV = workerData.env;
const ms = (d) => {
  if (typeof d === 'number') return d;
  let t = 0;
  for (const [, n, u] of String(d).matchAll(/(\\d+(?:\\.\\d+)?)(ms|s|m|h)/g)) t += Number(n) * ({ ms: 1, s: 1e3, m: 6e4, h: 36e5 })[u];
  return t;
};
const stack = (e) => String((e && e.stack) || e);
let initError, setupError, mod, st;
const iterationErrors = [];
let iterations = 0;
let interrupted = false;
try {
  mod = await import(workerData.bundle);
} catch (e) {
  initError = stack(e);
}
if (mod && !workerData.initOnly) {
  st = globalThis.__k6shim;
  Object.assign(st.faults, workerData.faults);
  Object.assign(st.execState, { idInTest: workerData.vu, idInInstance: workerData.vu, testStart: Date.now() });
  let data;
  try {
    data = mod.setup ? JSON.parse(JSON.stringify(mod.setup() ?? null)) : undefined;
  } catch (e) {
    setupError = stack(e);
  }
  if (!setupError) {
    // k6's ramping-vus loop for this VU: a new iteration as soon as the last one
    // ends, while the stages last; the one running at the end gets gracefulStop.
    st.execState.scenarioStart = Date.now();
    const sc = Object.values(mod.options?.scenarios ?? {})[0];
    const endAt = st.execState.scenarioStart + (sc?.stages ?? []).reduce((a, s) => a + ms(s.duration), 0);
    const hardStop = endAt + ms(sc?.gracefulStop ?? '30s');
    do {
      st.execState.iterationInScenario = iterations;
      const before = st.sockets.length;
      try {
        mod.default(data);
      } catch (e) {
        iterationErrors.push(stack(e));
      }
      iterations++;
      let timer;
      const late = new Promise((r) => (timer = setTimeout(() => r(true), Math.max(0, hardStop - Date.now()))));
      const done = Promise.all(st.sockets.slice(before).map((s) => s.closed)).then(() => false);
      if (await Promise.race([done, late])) {
        interrupted = true;
        for (const s of st.sockets) s.close();
      }
      clearTimeout(timer);
      await new Promise((r) => setImmediate(r));
    } while (!interrupted && workerData.loop && Date.now() < endAt && iterations < workerData.maxIterations);
  }
}
const testRunMs = st ? Date.now() - st.execState.testStart : 0;
parentPort.postMessage({
  samples: st?.samples ?? {},
  metricDefs: st?.metricDefs ?? {},
  warnings,
  requests: globalThis.__k6http?.requests ?? [],
  initError,
  setupError,
  iterationErrors: iterationErrors.slice(0, 20),
  iterationErrorCount: iterationErrors.length,
  iterations,
  sockets: st?.sockets.length ?? 0,
  interrupted,
  testRunMs,
  options: JSON.parse(JSON.stringify(mod?.options ?? {})),
});
// k6 calls handleSummary with the end-of-test data, also after setup() threw.
parentPort.once('message', (data) => {
  let summary;
  try {
    summary = mod?.handleSummary ? mod.handleSummary(data) : undefined;
  } catch (e) {
    summary = { error: stack(e) };
  }
  parentPort.postMessage(summary ?? null);
});
`;

let dir: string | undefined;
function workDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'fw-k6-'));
    writeFileSync(join(dir, 'worker.mjs'), WORKER);
  }
  return dir;
}

/** Removes the bundles (call from afterAll). */
export function cleanup(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

const bundles = new Map<string, Promise<string>>();
function bundle(script: string, entry?: string): Promise<string> {
  const key = entry ?? script;
  let p = bundles.get(key);
  if (!p) {
    const file = join(workDir(), `${script}-${bundles.size}.mjs`);
    p = build({
      entryPoints: [entry ?? join(here, '..', `${script}.ts`)],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: file,
      logLevel: 'silent',
      // ws's optional native helpers are not installed; it works without them.
      external: ['bufferutil', 'utf-8-validate'],
      // The bundled CommonJS (ws) calls require() for Node built-ins; an ES module has none.
      banner: { js: "import { createRequire as __fwCreateRequire } from 'node:module'; const require = __fwCreateRequire(import.meta.url);" },
      plugins: [
        {
          name: 'k6-shim',
          setup(b) {
            b.onResolve({ filter: /^k6\/http$/ }, () => ({ path: join(here, 'k6-http-shim.ts') }));
            b.onResolve({ filter: /^k6(\/.*)?$/ }, () => ({ path: join(here, 'k6-shim.ts') }));
          },
        },
      ],
    }).then(() => file);
    bundles.set(key, p);
  }
  return p;
}

/** Short defaults for a one-VU run; `env` is what a user would pass with `-e`. */
export const SHORT_RUN = { AGENTS: '1', RAMP: '0s', DURATION: '2s', HEARTBEAT_INTERVAL: '200ms', SUMMARY_JSON: '-' };

export interface RunVuOptions {
  /** Print the script's console output (default: quiet). */
  quiet?: boolean;
  /** 1-based VU number (default 1). */
  vu?: number;
  /** Loop iterations while the scenario lasts, as k6 does (default true); false runs exactly one. */
  loop?: boolean;
  /** Bound on iterations, for scripts that throw at once (default 100 000). */
  maxIterations?: number;
  /** Faults injected into the k6 stand-ins (see ./k6-shim.ts). */
  faults?: { websocketThrows?: string };
  /** A bundled script to run instead of `loadtests/<script>.ts` (its k6 imports are mapped to the shims). */
  entry?: string;
  /** Run the init code only, as `k6 inspect` / `k6 archive` do: options, no setup(), no iterations. */
  initOnly?: boolean;
  /** Use `env` as it is, without the short-run defaults ({@link SHORT_RUN}). */
  exactEnv?: boolean;
}

/**
 * Runs VU number `opts.vu` of a run with `env` the way k6 would: init, setup(),
 * then iterations of the default function until the scenario's stages are over
 * (the last one gets gracefulStop), then the end-of-test thresholds and
 * handleSummary. Each call is its own worker, like each k6 VU is its own JS
 * runtime; each runs setup() as each instance of a distributed k6 run does.
 */
export async function runVu(script: string, env: Record<string, string>, opts: RunVuOptions = {}): Promise<VuResult> {
  const file = await bundle(script, opts.entry);
  const worker = new Worker(join(workDir(), 'worker.mjs'), {
    workerData: {
      bundle: pathToFileURL(file).href,
      env: opts.exactEnv ? env : { ...SHORT_RUN, ...env },
      initOnly: opts.initOnly ?? false,
      quiet: opts.quiet ?? true,
      vu: opts.vu ?? 1,
      loop: opts.loop ?? true,
      maxIterations: opts.maxIterations ?? 100_000,
      faults: opts.faults ?? {},
    },
  });
  const next = <T>() =>
    new Promise<T>((res, rej) => {
      const onExit = (code: number) => rej(new Error(`VU worker exited with ${code} before reporting`));
      worker.once('message', (m: T) => (worker.off('exit', onExit), res(m)));
      worker.once('error', rej);
      worker.once('exit', onExit);
    });
  type Run = Omit<VuResult, 'count' | 'summary' | 'failedThresholds' | 'exitCode' | 'error'> & {
    metricDefs: Record<string, MetricDef>;
    initError?: string;
    setupError?: string;
    iterationErrorCount: number;
    testRunMs: number;
  };
  try {
    const run = await next<Run>();
    const count: VuResult['count'] = (name, pred = () => true) => (run.samples[name] ?? []).filter((s) => pred(s.value, s.tags)).length;
    if (opts.initOnly) return { ...run, error: run.initError, failedThresholds: [], exitCode: run.initError ? 107 : 0, count };
    const end = endOfTest(run.metricDefs, run.samples, run.options, run.testRunMs);
    worker.postMessage(end.data);
    const summary = (await next<Record<string, string> | null>()) ?? undefined;
    return {
      ...run,
      error: run.initError ?? run.setupError ?? run.iterationErrors[0],
      summary,
      failedThresholds: end.failed,
      exitCode: exitCode({ initError: run.initError, setupError: run.setupError, failed: end.failed }),
      count,
    };
  } finally {
    await worker.terminate();
  }
}
