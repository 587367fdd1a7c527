/**
 * The validators generated ahead of time (scripts/gen-validators.ts →
 * protocols/<dialect>/validators.gen.ts) are up to date with the schemas, and
 * behave exactly like TypeBox's run-time compiler: the same verdict and the same
 * explanation (core/explain.ts) for every schema of every dialect, on valid
 * values and on each field broken in every way we can think of.
 */
import { readFileSync } from 'node:fs';
import { KindGuard, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { DIALECTS, generate, generatedPath } from '../../scripts/gen-validators.js';
import { compile } from './compile.js';
import type { Validator } from './validator.js';
import * as fleet from '../protocols/fleet/messages.js';
import * as monitor from '../protocols/monitor/messages.js';
import * as lightd from '../protocols/lightd/messages.js';
import * as vstats from '../protocols/vstats/messages.js';
import * as controlPlane from '../protocols/control-plane/messages.js';

describe('generated validators', () => {
  it.each(DIALECTS)('%s/validators.gen.ts is up to date with schema.ts (else: npm run gen -w @fleetwire/sdk)', async (d) => {
    expect(readFileSync(generatedPath(d), 'utf8')).toBe(await generate(d));
  });

  it('contain no eval and no Function constructor', () => {
    for (const d of DIALECTS) expect(readFileSync(generatedPath(d), 'utf8')).not.toMatch(/\bnew\s+(globalThis\.)?Function\b|\beval\s*\(|\bFunction\s*\(/);
  });
});

/** Every (schema, generated validator) pair of the five dialects. */
function pairs(): [string, TSchema, Validator<unknown>][] {
  const out: [string, TSchema, Validator<unknown>][] = [];
  const walk = (name: string, schemas: unknown, validators: unknown) => {
    if (KindGuard.IsSchema(schemas)) return void out.push([name, schemas, validators as Validator<unknown>]);
    for (const [k, v] of Object.entries(schemas as object)) walk(`${name}.${k}`, v, (validators as Record<string, unknown>)[k]);
  };
  for (const mod of [fleet, monitor, lightd, vstats, controlPlane] as Record<string, unknown>[]) {
    for (const k of Object.keys(mod).filter((n) => /ValidatorSchemas?$/.test(n))) {
      walk(k, mod[k], mod[k.replace(/ValidatorSchemas$/, 'Validators').replace(/ValidatorSchema$/, 'Validator')]);
    }
  }
  return out;
}

const WRONG: unknown[] = [undefined, null, 0, -1, 1.5, 101, Number.NaN, Infinity, '', 'x', true, [], [1, 'a'], {}, { a: 1 }];

/** A valid value, then the same with each field (at any depth) deleted or replaced by each wrong value. */
function corpus(schema: TSchema): unknown[] {
  let base: unknown;
  try {
    base = Value.Create(schema);
  } catch {
    base = {};
  }
  const out: unknown[] = [base, ...WRONG];
  const paths: string[][] = [];
  const collect = (v: unknown, path: string[]) => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      paths.push([...path, k]);
      collect(x, [...path, k]);
    }
  };
  collect(base, []);
  for (const p of paths) {
    for (const w of [...WRONG, 'delete']) {
      const copy = structuredClone(base) as Record<string, unknown>;
      let at = copy;
      for (const k of p.slice(0, -1)) at = at[k] as Record<string, unknown>;
      if (w === 'delete') delete at[p.at(-1)!];
      else at[p.at(-1)!] = w;
      out.push(copy);
    }
  }
  // Arrays with a bad item, records with a bad value.
  if (base && typeof base === 'object') for (const p of paths) out.push({ ...(base as object), [p[0]!]: [null, 'x', 2] });
  return out;
}

describe('generated validators agree with TypeBox at run time', () => {
  const all = pairs();
  it('cover every validator table of the five dialects', () => {
    expect(all.length).toBeGreaterThan(40);
  });
  it.each(all.map(([n, s, v]) => [n, s, v] as const))('%s: same verdict and same explanation', (_name, schema, generated) => {
    const jit = compile(schema);
    for (const value of corpus(schema)) {
      const expected = jit.check(value);
      expect(generated.check(value), JSON.stringify(value)).toBe(expected);
      expect(generated.explain(value), JSON.stringify(value)).toEqual(jit.explain(value));
      if (!expected) expect(generated.explain(value).length).toBeGreaterThan(0);
    }
  });
});
