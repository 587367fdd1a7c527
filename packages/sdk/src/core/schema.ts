/**
 * One definition per message: TypeBox gives the static type (`Static<typeof S>`)
 * and the runtime validator from the same JSON Schema object, so the SDK, the
 * mock backend and the k6 builders can never disagree about a message's shape.
 *
 * Validators are compiled once with TypeBox's TypeCompiler (JIT to a plain
 * function); see bench/validators for why TypeBox over Ajv.
 */
import { type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

export interface Validator<T> {
  /** True when `value` has every required field with the right type. Extra fields are fine. */
  check(value: unknown): value is T;
  /** Human-readable list of what is wrong, e.g. `/rentalId: Expected string`. Empty when valid. */
  explain(value: unknown): string[];
  readonly schema: TSchema;
}

/** Compiles a TypeBox schema into a {@link Validator}. Call once per schema, at module load. */
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

/** An ISO 8601 timestamp string (the dialects all use strings, never epoch numbers). */
export { Type, type Static, type TSchema } from '@sinclair/typebox';
