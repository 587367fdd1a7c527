/**
 * The runtime side of a message validator, with no schema library in it: a
 * check function generated ahead of time from the TypeBox schema
 * (`TypeCompiler.Code`, see scripts/gen-validators.ts) and the schema as plain
 * JSON for explanations. Nothing here evaluates code at run time, so the SDK
 * loads under a `Content-Security-Policy` without `'unsafe-eval'`, and a browser
 * bundle carries no validator compiler.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { explain, type JsonSchema } from './explain.js';

export interface Validator<T> {
  /** True when `value` has every required field with the right type. Extra fields are fine. */
  check(value: unknown): value is T;
  /** Human-readable list of what is wrong, e.g. `/rentalId: Expected string` (at most 10). Empty when valid. */
  explain(value: unknown): string[];
  /** The message's JSON Schema (plain JSON: TypeBox's symbol-keyed markers are not kept). */
  readonly schema: TSchema;
}

/** Builds a {@link Validator} from a generated check function and its schema as JSON. */
export function validator<T>(check: (value: unknown) => boolean, schema: JsonSchema): Validator<T> {
  return {
    schema: schema as TSchema,
    check: check as (value: unknown) => value is T,
    explain: (value) => (check(value) ? [] : explain(schema, value)),
  };
}

/** The validators of a table of schemas (nested tables allowed), as generated. */
export type ValidatorsOf<T> = T extends TSchema ? Validator<Static<T>> : { readonly [K in keyof T]: ValidatorsOf<T[K]> };
