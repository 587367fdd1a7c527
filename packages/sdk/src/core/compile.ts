/**
 * TypeBox's run-time compiler behind the {@link Validator} interface: for tests
 * and Node-side tooling only. It evaluates generated code (`new Function`), so
 * nothing the SDK ships imports it — the dialects use the validators generated
 * ahead of time (scripts/gen-validators.ts).
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Validator } from './validator.js';

/** Compiles a TypeBox schema into a {@link Validator} with TypeBox's own error messages. */
export function compile<S extends TSchema>(schema: S): Validator<Static<S>> {
  const compiled = TypeCompiler.Compile(schema);
  return {
    schema,
    check: (value: unknown): value is Static<S> => compiled.Check(value),
    explain(value: unknown): string[] {
      const out: string[] = [];
      for (const e of compiled.Errors(value)) {
        out.push(`${e.path || '/'}: ${e.message}`);
        if (out.length >= 10) break;
      }
      return out;
    },
  };
}
