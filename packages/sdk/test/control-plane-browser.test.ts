/**
 * ControlPlaneEvents is used in a browser by the mock backend's status page:
 * bundling it (and the vstats clients, which share its connection code) for the
 * browser platform must succeed, which fails on any Node built-in import.
 */
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

describe('browser bundle', () => {
  for (const entry of ['control-plane/index.ts', 'vstats/index.ts']) {
    it(`${entry} bundles for the browser with no Node built-ins and without the ws package`, async () => {
      const r = await build({
        entryPoints: [fileURLToPath(new URL(`../src/protocols/${entry}`, import.meta.url))],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(r.metafile.inputs);
      expect(inputs.some((i) => i.includes('isomorphic-ws/browser'))).toBe(true);
      expect(inputs.filter((i) => /node_modules\/ws\/|^node:/.test(i))).toEqual([]);
    });
  }
});
