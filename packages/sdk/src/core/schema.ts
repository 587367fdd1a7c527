/**
 * One definition per message: TypeBox gives the static type (`Static<typeof S>`)
 * and the JSON Schema from the same object, so the SDK, the mock backend and the
 * k6 builders can never disagree about a message's shape.
 *
 * The runtime validators are not compiled here: scripts/gen-validators.ts turns
 * each dialect's schemas into plain check functions ahead of time
 * (`protocols/<dialect>/validators.gen.ts`; see core/validator.ts for why), so
 * nothing evaluates code at run time. core/compile.ts keeps TypeBox's JIT for
 * tests and Node tooling only.
 */
export { Type, type Static, type TSchema } from '@sinclair/typebox';
export type { Validator } from './validator.js';
