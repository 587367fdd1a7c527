/**
 * The SDK must run in browsers: bundling it for a browser target must not pull
 * any Node built-in (fs, net, http, crypto…) nor the Node-only `ws` package.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

async function bundle(entryPoint: string) {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    minify: true,
    conditions: ['source'],
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  return { inputs, imports, bytes: result.outputFiles[0]!.contents.byteLength };
}

describe('browser bundle', () => {
  it.each([
    ['FleetAgent alone', '../src/protocols/fleet/agent.ts'],
    ['the whole public surface', '../src/index.ts'],
  ])('%s bundles for the browser with no Node built-ins', async (_name, path) => {
    const { inputs, imports, bytes } = await bundle(entry(path));
    expect(imports.filter((i) => NODE_BUILTINS.has(i))).toEqual([]);
    expect(inputs.filter((i) => /node_modules\/ws\//.test(i))).toEqual([]);
    expect(bytes).toBeGreaterThan(10_000); // it really bundled socket.io-client, not an empty stub
  }, 30_000);
});
