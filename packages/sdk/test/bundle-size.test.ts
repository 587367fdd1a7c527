/**
 * What a browser page pays for one client: each public client is bundled alone
 * (`import { X } from '@fleetwire/sdk'`, minified, for the browser, every
 * dependency inlined) and its gzip size is printed against its target; over the
 * target fails. Also: no bundle contains a validator compiler or anything that
 * evaluates code, so pages with `script-src 'self'` (no 'unsafe-eval') work.
 * `npm run bench -- size` prints the same table with a baseline.
 *
 * esbuild rather than size-limit: it is already the repo's bundler, needs no
 * plugin or extra dependency, and its metafile says which package a regression
 * came from (printed on failure).
 */
import { describe, expect, it } from 'vitest';
import { EVAL_PATTERN, SDK_INDEX, SIZE_TARGETS, bundleSize, clientBundleSize, kb } from '../../../test-support/bundle-size.js';

describe('browser bundle size per client', () => {
  it.each(Object.keys(SIZE_TARGETS))('%s alone is within its gzip target, with no validator compiler and no eval', async (name) => {
    const b = await clientBundleSize(name);
    const target = SIZE_TARGETS[name]!;
    console.log(`size ${name.padEnd(22)} ${kb(b.min).padStart(9)} min  ${kb(b.gzip).padStart(8)} gzip  target ${kb(target)}  (${((100 * b.gzip) / target).toFixed(0)}% of target)`);
    expect(b.gzip, `${name}: ${kb(b.gzip)} gzip > ${kb(target)}; by package: ${JSON.stringify(b.byPackage)}`).toBeLessThanOrEqual(target);
    expect(b.inputs.filter((i) => /@sinclair\/typebox\/build\/esm\/(compiler|value|errors)\//.test(i))).toEqual([]);
    expect(b.inputs.filter((i) => /node_modules\/ws\//.test(i))).toEqual([]);
    expect(b.code).not.toMatch(EVAL_PATTERN);
  }, 60_000);

  it('the whole public surface bundles with no eval either (what dist ships, dependencies inlined)', async () => {
    const b = await bundleSize(`export * from ${JSON.stringify(SDK_INDEX)};`);
    console.log(`size ${'(whole SDK)'.padEnd(22)} ${kb(b.min).padStart(9)} min  ${kb(b.gzip).padStart(8)} gzip`);
    expect(b.code).not.toMatch(EVAL_PATTERN);
    expect(b.inputs.filter((i) => /@sinclair\/typebox\/build\/esm\/(compiler|errors)\//.test(i))).toEqual([]);
  }, 60_000);
});
