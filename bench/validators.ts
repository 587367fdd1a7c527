/**
 * Which runtime validator for the schemas? Measures, in one run, on the fleet
 * `Heartbeat` schema: validations/second (valid and invalid payloads) and the
 * minified + gzipped browser bundle of a tiny entry that validates a heartbeat,
 * for TypeBox TypeCompiler (whose code the SDK ships, generated ahead of time), TypeBox Value.Check, Ajv 8,
 * both code generators run ahead of time (TypeCompiler.Code, Ajv standalone),
 * and a hand-written check as the floor. Ratios are against TypeBox compiled.
 *
 *   node --conditions=source --import tsx bench/validators.ts [--rounds=9] [--round-ms=150]
 *   (BENCH_DEBUG=1 also prints every round's rate per series.)
 *
 * A script, not a test: figures depend on the machine. See bench/README.md.
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { Ajv } from 'ajv';
import { build } from 'esbuild';
import { fleet } from '@fleetwire/sdk';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '9' }, 'round-ms': { type: 'string', default: '150' } } });
const ROUNDS = Number(args.rounds);
const ROUND_MS = Number(args['round-ms']);
if (!(ROUNDS >= 1 && ROUND_MS >= 10)) throw new Error('usage: --rounds=N (>= 1) --round-ms=MS (>= 10)');

const { Heartbeat } = fleet;
const require = createRequire(import.meta.url);
// A CJS module whose real export is `.default`; require() sidesteps Node-vs-bundler default-import interop.
const standaloneCode: typeof import('ajv/dist/standalone/index.js').default = require('ajv/dist/standalone/index.js').default;
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const JSON_SCHEMA = JSON.parse(JSON.stringify(Heartbeat)) as object; // TypeBox's symbols dropped: plain JSON Schema

/**
 * The Heartbeat definition as source, so the bundle entries can build it the
 * way the SDK does (with `Type`). Checked against the real schema at start-up,
 * so an edit of fleet/schema.ts cannot silently make this benchmark stale.
 */
const TYPEBOX_SRC = `const N = Type.Number();
const Heartbeat = Type.Object({
  nodeId: Type.String({ minLength: 1 }),
  status: Type.Union([Type.Literal('online'), Type.Literal('busy'), Type.Literal('maintenance')]),
  metrics: Type.Object({
    cpuTemp: Type.Optional(N), cpuUsagePercent: N, gpuTemp: Type.Array(N), gpuUtilization: Type.Array(N),
    gpuMemoryUsedMb: Type.Array(N), ramUsageMb: N, ramTotalMb: N, diskUsageGb: N, diskTotalGb: N,
    networkRxMbps: N, networkTxMbps: N,
  }),
});`;
const rebuilt = new Function('Type', `${TYPEBOX_SRC}\nreturn Heartbeat;`)(Type) as unknown;
if (JSON.stringify(rebuilt) !== JSON.stringify(Heartbeat)) {
  throw new Error('bench/validators.ts: TYPEBOX_SRC no longer matches Heartbeat in packages/sdk/src/protocols/fleet/schema.ts — update it');
}

/** The floor: what a careful person writes by hand. Same rules (finite numbers, extra fields allowed). */
const HAND_SRC = `function validate(v) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  if (typeof v.nodeId !== 'string' || v.nodeId.length < 1) return false;
  const s = v.status;
  if (s !== 'online' && s !== 'busy' && s !== 'maintenance') return false;
  const m = v.metrics;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  if (m.cpuTemp !== undefined && !Number.isFinite(m.cpuTemp)) return false;
  if (!Number.isFinite(m.cpuUsagePercent) || !Number.isFinite(m.ramUsageMb) || !Number.isFinite(m.ramTotalMb) ||
      !Number.isFinite(m.diskUsageGb) || !Number.isFinite(m.diskTotalGb) ||
      !Number.isFinite(m.networkRxMbps) || !Number.isFinite(m.networkTxMbps)) return false;
  return nums(m.gpuTemp) && nums(m.gpuUtilization) && nums(m.gpuMemoryUsedMb);
}
function nums(a) {
  if (!Array.isArray(a)) return false;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}`;

const sharedAjv = new Ajv();
const ajvFor = () => new Ajv({ code: { source: true, esm: true } });
const ajvStandalone = (() => {
  const ajv = ajvFor();
  return standaloneCode(ajv, ajv.compile(JSON_SCHEMA));
})();
const typeboxCode = TypeCompiler.Code(Heartbeat);

type Check = (v: unknown) => boolean;
interface Contender {
  name: string;
  /** Builds the in-process validator. */
  make: () => Check;
  /** True when `make` compiles at run time (its cost is reported as "compile ms"). */
  compiles?: boolean;
  /** ESM source of the browser entry; must export `validate`. */
  entry: string;
}
const contenders: Contender[] = [
  {
    name: 'TypeBox TypeCompiler',
    make: () => {
      const c = TypeCompiler.Compile(Heartbeat);
      return (v) => c.Check(v);
    },
    compiles: true,
    entry: `import { Type } from '@sinclair/typebox'; import { TypeCompiler } from '@sinclair/typebox/compiler';
${TYPEBOX_SRC}
const C = TypeCompiler.Compile(Heartbeat); export const validate = (v) => C.Check(v);`,
  },
  {
    name: 'TypeBox Value.Check',
    make: () => (v) => Value.Check(Heartbeat, v),
    entry: `import { Type } from '@sinclair/typebox'; import { Value } from '@sinclair/typebox/value';
${TYPEBOX_SRC}
export const validate = (v) => Value.Check(Heartbeat, v);`,
  },
  {
    name: 'Ajv 8 compile',
    // One Ajv instance, as an app would have; a fresh schema object each time so Ajv's cache cannot answer.
    make: () => sharedAjv.compile(structuredClone(JSON_SCHEMA)) as Check,
    compiles: true,
    entry: `import { Ajv } from 'ajv'; const V = new Ajv().compile(${JSON.stringify(JSON_SCHEMA)});
export const validate = (v) => V(v);`,
  },
  {
    name: 'TypeBox Code (AOT)',
    make: () => new Function(typeboxCode)() as Check,
    entry: `const check = (function () { ${typeboxCode} })(); export const validate = (v) => check(v);`,
  },
  {
    name: 'Ajv standalone (AOT)',
    // Same generated module, loaded in-process through a data: URL import below.
    make: () => ajvStandaloneFn,
    entry: `import V from './ajv-standalone.js'; export const validate = (v) => V(v);`,
  },
  {
    name: 'hand-written',
    make: () => new Function(`${HAND_SRC}\nreturn validate;`)() as Check,
    entry: `${HAND_SRC}\nexport { validate };`,
  },
];
// Ajv standalone code (CJS flavour) `require`s its runtime helpers (ucs2length for minLength): give it ours.
const ajvStandaloneFn = (() => {
  const ajv = new Ajv({ code: { source: true } });
  const module = { exports: {} as { default?: Check } };
  new Function('require', 'module', 'exports', standaloneCode(ajv, ajv.compile(JSON_SCHEMA)))(require, module, module.exports);
  return module.exports.default as Check;
})();

// ── payloads ───────────────────────────────────────────────────────────────
const POOL = 32; // a power of two, indexed with `& (POOL - 1)`
function heartbeat(i: number): Record<string, unknown> {
  const gpus = i % 9; // 0..8 GPUs, like a real fleet
  const metrics: Record<string, unknown> = {
    cpuUsagePercent: (i * 7) % 100, gpuTemp: Array.from({ length: gpus }, (_, g) => 40 + g + i / 10),
    gpuUtilization: Array.from({ length: gpus }, (_, g) => (g * 13 + i) % 100),
    gpuMemoryUsedMb: Array.from({ length: gpus }, (_, g) => 1024 * g + i),
    ramUsageMb: 32000 + i, ramTotalMb: 65536, diskUsageGb: 500.5, diskTotalGb: 2000, networkRxMbps: 125.5, networkTxMbps: 45.2,
  };
  if (i % 2 === 0) metrics.cpuTemp = 45.5 + i / 4;
  const hb: Record<string, unknown> = { nodeId: `node-${i}`, status: ['online', 'busy', 'maintenance'][i % 3], metrics };
  if (i % 4 === 0) hb.agentVersion = '1.2.3'; // extra fields are allowed
  return hb;
}
const valid = Array.from({ length: POOL }, (_, i) => heartbeat(i));
/** Failures at different depths: early (type, status), middle (missing field), deep (last array element). */
const breakers: Array<(hb: any) => unknown> = [
  () => null,
  (hb) => ({ ...hb, status: 'offline' }),
  (hb) => ({ ...hb, nodeId: '' }),
  (hb) => ({ ...hb, metrics: { ...hb.metrics, ramTotalMb: undefined } }),
  (hb) => ({ ...hb, metrics: { ...hb.metrics, networkTxMbps: '45.2' } }),
  (hb) => ({ ...hb, metrics: { ...hb.metrics, cpuUsagePercent: Number.NaN } }),
  (hb) => ({ ...hb, metrics: { ...hb.metrics, gpuMemoryUsedMb: [1, 2, 3, '4'] } }),
  (hb) => ({ ...hb, metrics: { ...hb.metrics, cpuTemp: null } }),
];
const invalid = Array.from({ length: POOL }, (_, i) => breakers[i % breakers.length]!(heartbeat(i)));

// ── measurement ────────────────────────────────────────────────────────────
const checks = contenders.map((c) => c.make());
// Agreement first: a fast validator that accepts garbage is not a contender.
checks.forEach((check, k) => {
  valid.forEach((p, i) => { if (!check(p)) throw new Error(`${contenders[k]!.name} rejects valid payload #${i}`); });
  invalid.forEach((p, i) => { if (check(p)) throw new Error(`${contenders[k]!.name} accepts invalid payload #${i}: ${JSON.stringify(p)}`); });
});

type Loop = (fn: Check, pool: unknown[], n: number) => number;
/** One loop per (validator, payload set), made with new Function so each call site stays monomorphic. */
const makeLoop = (): Loop =>
  new Function('fn', 'pool', 'n', `let ok = 0; for (let i = 0; i < n; i++) if (fn(pool[i & ${POOL - 1}])) ok++; return ok;`) as Loop;

interface Series { loop: Loop; check: Check; pool: unknown[]; expectOk: boolean; n: number; rates: number[] }
const timeRun = (s: Series, n: number): number => {
  const t0 = process.hrtime.bigint();
  const ok = s.loop(s.check, s.pool, n);
  const ns = Number(process.hrtime.bigint() - t0);
  if (ok !== (s.expectOk ? n : 0)) throw new Error('validator result changed during the run');
  return ns;
};
const series = checks.flatMap((check) =>
  [valid, invalid].map((pool, j): Series => ({ loop: makeLoop(), check, pool, expectOk: j === 0, n: 1024, rates: [] })),
);
// Warm-up: grow n until a batch takes a quarter round, then run until the rate is steady (two batches
// within 10 %, ≥ 300 ms, at most 3 s): big generated functions (Ajv's) reach V8's top tier late.
for (const s of series) {
  while (timeRun(s, s.n) < ROUND_MS * 0.25e6) s.n *= 2;
  let spent = 0;
  let last = 0;
  let rate = 0;
  for (;;) {
    const ns = timeRun(s, s.n);
    spent += ns;
    rate = s.n / ns;
    if ((spent > 300e6 && Math.abs(rate - last) < 0.1 * rate) || spent > 3e9) break;
    last = rate;
  }
  s.n = Math.max(1024, Math.round(rate * ROUND_MS * 1e6));
}
// Rounds interleave every series, so a noisy neighbour on a shared box hits them all alike.
// One interleaved round is run and discarded first: switching between series still shifts the JIT the first time.
for (let r = -1; r < ROUNDS; r++) for (const s of series) { const rate = s.n / (timeRun(s, s.n) / 1e9); if (r >= 0) s.rates.push(rate); }
if (process.env.BENCH_DEBUG) series.forEach((s, i) => console.log(i, s.n, s.rates.map((r) => (r / 1e6).toFixed(2)).join(" ")));

const median = (xs: number[]) => { const a = [...xs].sort((x, y) => x - y); const m = a.length >> 1; return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2; };
const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
const compileMs = contenders.map((c) => { if (!c.compiles) return undefined; const t: number[] = []; for (let i = 0; i < 15; i++) { const t0 = performance.now(); c.make(); t.push(performance.now() - t0); } return median(t); });

// ── bundle sizes ───────────────────────────────────────────────────────────
async function bundle(entry: string): Promise<{ bytes: number; gzip: number }> {
  const out = await build({
    stdin: { contents: entry, resolveDir: REPO_ROOT, sourcefile: 'entry.js', loader: 'js' },
    bundle: true, minify: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'error',
    plugins: [{ name: 'ajv-standalone', setup(b) {
      b.onResolve({ filter: /^\.\/ajv-standalone\.js$/ }, () => ({ path: 'ajv-standalone', namespace: 'mem' }));
      b.onLoad({ filter: /.*/, namespace: 'mem' }, () => ({ contents: ajvStandalone, loader: 'js', resolveDir: REPO_ROOT }));
    } }],
  });
  const code = out.outputFiles[0]!.contents;
  // esbuild leaves a "Dynamic require" shim or a node: import when something could not be bundled for browsers.
  if (/Dynamic require of|["']node:/.test(new TextDecoder().decode(code))) throw new Error(`bundle still needs Node: ${entry.slice(0, 60)}`);
  return { bytes: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}
const sizes = await Promise.all(contenders.map((c) => bundle(c.entry)));
// Reference: the schema definitions alone. The SDK ships `Type` anyway, so this is the part no validator choice removes.
const typeOnly = await bundle(`import { Type } from '@sinclair/typebox';\n${TYPEBOX_SRC}\nexport { Heartbeat };`);

// ── report ─────────────────────────────────────────────────────────────────
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const base = { valid: median(series[0]!.rates), invalid: median(series[1]!.rates), ...sizes[0]! };
const rows = contenders.map((c, k) => {
  const v = series[2 * k]!;
  const iv = series[2 * k + 1]!;
  return [
    c.name,
    `${fmt(median(v.rates))}/s ±${(spread(v.rates) * 50).toFixed(0)}%`, ratio(median(v.rates), base.valid),
    `${fmt(median(iv.rates))}/s ±${(spread(iv.rates) * 50).toFixed(0)}%`, ratio(median(iv.rates), base.invalid),
    compileMs[k]?.toFixed(3) ?? '-',
    `${sizes[k]!.bytes}`, `${sizes[k]!.gzip}`, ratio(sizes[k]!.gzip, base.gzip),
  ];
});
const head = ['validator', 'valid', '×TBc', 'invalid', '×TBc', 'compile ms', 'min B', 'gzip B', '×TBc'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`Heartbeat validation — node ${process.version}, ${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, ${ROUNDS} rounds × ~${ROUND_MS} ms, median (± half the min–max spread)`);
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(`reference: TypeBox \`Type\` builder + the schema alone (no validator): ${typeOnly.bytes} B min, ${typeOnly.gzip} B gzip`);
console.log('×TBc = ratio to TypeBox TypeCompiler (speed: higher is faster; size: lower is smaller). Bundles: esbuild, browser, minified; gzip -9.');
