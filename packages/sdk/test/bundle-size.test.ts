/**
 * What a browser page pays for one client: each public client is bundled alone
 * (`import { X } from '@fleetwire/sdk'`, minified, for the browser, every
 * dependency inlined) and its gzip size is printed against its target; over the
 * target fails. Also: no bundle contains a validator compiler or anything that
 * evaluates code, so pages with `script-src 'self'` (no 'unsafe-eval') work.
 *
 * esbuild rather than size-limit: it is already the repo's bundler, needs no
 * plugin or extra dependency, and its metafile says which package a regression
 * came from (printed on failure).
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const sdkIndex = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Target gzip size per client, in bytes (issue 9: plain-WebSocket ≤ 15 KB, FleetAgent ≤ 30 KB). */
const TARGETS: Record<string, number> = {
  ControlPlaneEvents: 15 * 1024,
  VStatsDashboard: 15 * 1024,
  VStatsAgent: 15 * 1024,
  MonitorAgent: 15 * 1024,
  MonitorMetricsStream: 15 * 1024,
  LightdConsole: 15 * 1024,
  FleetAgent: 30 * 1024,
};

const EVAL = /\bnew\s+(globalThis\.)?Function\s*\(|\beval\s*\(/;

async function bundle(contents: string) {
  const r = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    conditions: ['source'],
    logLevel: 'silent',
  });
  const code = r.outputFiles[0]!.text;
  const byPackage: Record<string, number> = {};
  const used = Object.entries(Object.values(r.metafile.outputs)[0]!.inputs).filter(([, v]) => v.bytesInOutput > 0);
  for (const [path, v] of used) {
    const key = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'sdk';
    byPackage[key] = (byPackage[key] ?? 0) + v.bytesInOutput;
  }
  // Files that put bytes into the output (the metafile's `inputs` also lists ones tree-shaken to nothing).
  return { code, min: Buffer.byteLength(code), gzip: gzipSync(code).byteLength, byPackage, inputs: used.map(([p]) => p) };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

describe('browser bundle size per client', () => {
  it.each(Object.keys(TARGETS))('%s alone is within its gzip target, with no validator compiler and no eval', async (name) => {
    const b = await bundle(`export { ${name} } from ${JSON.stringify(sdkIndex)};`);
    const target = TARGETS[name]!;
    console.log(`size ${name.padEnd(22)} ${kb(b.min).padStart(9)} min  ${kb(b.gzip).padStart(8)} gzip  target ${kb(target)}  (${((100 * b.gzip) / target).toFixed(0)}% of target)`);
    expect(b.gzip, `${name}: ${kb(b.gzip)} gzip > ${kb(target)}; by package: ${JSON.stringify(b.byPackage)}`).toBeLessThanOrEqual(target);
    expect(b.inputs.filter((i) => /@sinclair\/typebox\/build\/esm\/(compiler|value|errors)\//.test(i))).toEqual([]);
    expect(b.inputs.filter((i) => /node_modules\/ws\//.test(i))).toEqual([]);
    expect(b.code).not.toMatch(EVAL);
  }, 60_000);

  it('the whole public surface bundles with no eval either (what dist ships, dependencies inlined)', async () => {
    const b = await bundle(`export * from ${JSON.stringify(sdkIndex)};`);
    console.log(`size ${'(whole SDK)'.padEnd(22)} ${kb(b.min).padStart(9)} min  ${kb(b.gzip).padStart(8)} gzip`);
    expect(b.code).not.toMatch(EVAL);
    expect(b.inputs.filter((i) => /@sinclair\/typebox\/build\/esm\/(compiler|errors)\//.test(i))).toEqual([]);
  }, 60_000);
});
