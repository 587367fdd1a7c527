/**
 * Browser bundle size of one SDK client imported alone: shared by
 * packages/sdk/test/bundle-size.test.ts (enforces the targets) and
 * bench/size.ts (prints the table with a baseline). esbuild, minified, for the
 * browser, every dependency inlined, from the sources (`source` condition).
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The SDK's public entry (its sources). */
export const SDK_INDEX = fileURLToPath(new URL('../packages/sdk/src/index.ts', import.meta.url));

/** Target gzip size per client, in bytes (issue 9: a plain-WebSocket client ≤ 15 KB, FleetAgent ≤ 30 KB). */
export const SIZE_TARGETS: Readonly<Record<string, number>> = {
  ControlPlaneEvents: 15 * 1024,
  VStatsDashboard: 15 * 1024,
  VStatsAgent: 15 * 1024,
  MonitorAgent: 15 * 1024,
  MonitorMetricsStream: 15 * 1024,
  LightdConsole: 15 * 1024,
  FleetAgent: 30 * 1024,
};

/** Code that evaluates strings: forbidden by `script-src 'self'`. */
export const EVAL_PATTERN = /\bnew\s+(globalThis\.)?Function\s*\(|\beval\s*\(/;

export interface BundleSize {
  code: string;
  min: number;
  gzip: number;
  /** Output bytes per package (`sdk` for the SDK's own files). */
  byPackage: Record<string, number>;
  /** Input files that put bytes into the output (the metafile's `inputs` also lists ones tree-shaken to nothing). */
  inputs: string[];
}

/** Bundles an ES module given as source text (resolved from the repository root). */
export async function bundleSize(contents: string): Promise<BundleSize> {
  const r = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'ts' },
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
  const used = Object.entries(Object.values(r.metafile.outputs)[0]!.inputs).filter(([, v]) => v.bytesInOutput > 0);
  const byPackage: Record<string, number> = {};
  for (const [path, v] of used) {
    const key = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'sdk';
    byPackage[key] = (byPackage[key] ?? 0) + v.bytesInOutput;
  }
  return { code, min: Buffer.byteLength(code), gzip: gzipSync(code).byteLength, byPackage, inputs: used.map(([p]) => p) };
}

/** One client of the SDK, imported alone. */
export function clientBundleSize(name: string): Promise<BundleSize> {
  return bundleSize(`export { ${name} } from ${JSON.stringify(SDK_INDEX)};`);
}

export const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
