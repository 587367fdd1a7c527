/**
 * Runs one VU of a k6 script in Node: esbuild bundles the script with k6's
 * modules mapped to the shims (./k6-shim.ts, ./k6-http-shim.ts), and a worker
 * thread runs setup() → default(data) → handleSummary(), waiting for the VU's
 * sockets to close. The worker keeps the test's main thread free, so a mock
 * backend started by the test answers while the VU blocks in k6-style sync
 * calls (http, sleep).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';

const here = resolve(import.meta.dirname);

export type Samples = Record<string, { value: number; tags?: Record<string, string> }[]>;

export interface VuResult {
  samples: Samples;
  /** console.warn / console.error lines of the script. */
  warnings: string[];
  /** Requests made through k6/http. */
  requests: { method: string; url: string; status: number }[];
  /** The exception that aborted setup() or the VU, if any. */
  error?: string;
  options: { thresholds: Record<string, string[]> };
  summary?: Record<string, string>;
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
let error;
let mod;
try {
  mod = await import(workerData.bundle);
  Object.assign(globalThis.__k6shim.execState, { idInTest: workerData.vu, idInInstance: workerData.vu });
  const data = mod.setup ? JSON.parse(JSON.stringify(mod.setup() ?? null)) : undefined;
  mod.default(data);
  // Sockets opened later in the iteration (none today) would be missed; every script opens one at once.
  await Promise.all(globalThis.__k6shim.sockets.map((s) => s.closed));
} catch (e) {
  error = String(e && e.stack || e);
}
const summary = mod?.handleSummary ? mod.handleSummary({ metrics: {} }) : undefined;
parentPort.postMessage({ samples: globalThis.__k6shim?.samples ?? {}, warnings, requests: globalThis.__k6http?.requests ?? [], error, options: JSON.parse(JSON.stringify(mod?.options ?? {})), summary });
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
function bundle(script: string): Promise<string> {
  let p = bundles.get(script);
  if (!p) {
    const file = join(workDir(), `${script}.mjs`);
    p = build({
      entryPoints: [join(here, '..', `${script}.ts`)],
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
    bundles.set(script, p);
  }
  return p;
}

/** Short defaults for a one-VU run; `env` is what a user would pass with `-e`. */
export const SHORT_RUN = { AGENTS: '1', RAMP: '0s', DURATION: '2s', HEARTBEAT_INTERVAL: '200ms', SUMMARY_JSON: '-' };

/**
 * Runs VU number `opts.vu` (1-based, default 1) of a run with `env`. Each call
 * is its own worker, like each k6 VU is its own JS runtime; each runs setup()
 * as each instance of a distributed k6 run does.
 */
export async function runVu(script: string, env: Record<string, string>, opts: { quiet?: boolean; vu?: number } = {}): Promise<VuResult> {
  const file = await bundle(script);
  const worker = new Worker(join(workDir(), 'worker.mjs'), {
    workerData: { bundle: pathToFileURL(file).href, env: { ...SHORT_RUN, ...env }, quiet: opts.quiet ?? true, vu: opts.vu ?? 1 },
  });
  const msg = await new Promise<Omit<VuResult, 'count'>>((res, rej) => {
    worker.once('message', res);
    worker.once('error', rej);
    worker.once('exit', (code) => rej(new Error(`VU worker exited with ${code} before reporting`)));
  });
  await worker.terminate();
  const count: VuResult['count'] = (name, pred = () => true) => (msg.samples[name] ?? []).filter((s) => pred(s.value, s.tags)).length;
  return { ...msg, count };
}
