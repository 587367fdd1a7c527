/**
 * Frames for the property-based fuzz tests (issue 10), with fast-check: seeded
 * and bounded so a run is repeatable and takes seconds. A failure names the
 * seed; replay it with FUZZ_SEED=<seed> (and FUZZ_RUNS to go bigger).
 *
 * A frame is text (what a JSON dialect reads) plus whether it came as a binary
 * frame. The mix: random JSON values; random strings and bytes; valid samples
 * truncated; valid samples with the discriminant replaced by an Object.prototype
 * name, a non-string, a real name or noise, and fields replaced by anything;
 * deep nesting; huge numbers and strings.
 */
import fc from 'fast-check';
import { HOSTILE_DISCRIMINANTS } from './hostile.js';

/** The seed of every fuzz test in this run (FUZZ_SEED to replay a failure). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
/** Generated frames per property (FUZZ_RUNS to change it; ≥ 10,000 by default). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

export interface Frame {
  text: string;
  binary: boolean;
}

const HUGE_NUMBERS = [1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 5e-324, 0, -0, 1.7976931348623157e308];

/** Arbitrary frames for a dialect whose discriminant is `field`, whose names are `names`, with valid `samples`. */
export function frameArb(field: 'type' | 'event', names: readonly string[], samples: readonly Record<string, unknown>[]): fc.Arbitrary<Frame> {
  const text = (t: fc.Arbitrary<string>) => t.map((s): Frame => ({ text: s, binary: false }));
  const sample = fc.constantFrom(...samples);
  const discriminant = fc.oneof(fc.constantFrom(...HOSTILE_DISCRIMINANTS), fc.constantFrom(...names), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }));
  const hostileValue = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(...HOSTILE_DISCRIMINANTS),
    fc.constantFrom(...HUGE_NUMBERS),
    fc.integer({ min: 1000, max: 20_000 }).map((n) => 'x'.repeat(n)),
  );
  const mutated = fc
    .tuple(sample, discriminant, fc.array(fc.tuple(fc.oneof(fc.constantFrom('data', 'timestamp', 'server_id', 'command_id', 'action', 'command', 'nodeId', '__proto__', 'constructor'), fc.string({ maxLength: 8 })), hostileValue), { maxLength: 4 }))
    .map(([s, d, fields]) => {
      // JSON text, so `__proto__` arrives as an own key exactly as it would off the wire.
      const o: Record<string, unknown> = JSON.parse(JSON.stringify(s));
      o[field] = d;
      let out = JSON.stringify(o);
      for (const [k, v] of fields) out = `${out.slice(0, -1)}${out.length > 2 ? ',' : ''}${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}}`;
      return out;
    });
  const truncated = sample.chain((s) => {
    const t = JSON.stringify(s);
    return fc.nat({ max: t.length - 1 }).map((n) => t.slice(0, n));
  });
  const deep = fc.tuple(fc.constantFrom(...names), fc.integer({ min: 50, max: 5_000 }), fc.boolean()).map(
    ([name, depth, arr]) => `{${JSON.stringify(field)}:${JSON.stringify(name)},"data":${arr ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)}}`,
  );
  const huge = fc.tuple(fc.constantFrom(...names), fc.constantFrom(...HUGE_NUMBERS), fc.integer({ min: 10_000, max: 50_000 })).map(
    ([name, n, len]) => `{${JSON.stringify(field)}:${JSON.stringify(name)},"data":{"cpu":${n},"x":"${'y'.repeat(len)}"},"timestamp":${n}}`,
  );
  return fc.oneof(
    { weight: 4, arbitrary: mutated.map((t): Frame => ({ text: t, binary: false })) },
    { weight: 2, arbitrary: text(fc.json({ maxDepth: 4 })) },
    { weight: 2, arbitrary: text(truncated) },
    { weight: 1, arbitrary: text(fc.string({ unit: 'binary', maxLength: 60 })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }).map((b): Frame => ({ text: Buffer.from(b).toString('utf8'), binary: true })) },
    { weight: 1, arbitrary: text(deep) },
    { weight: 1, arbitrary: text(huge) },
  );
}

/** The parsed frame as a JSON object, or null (binary, not JSON, not an object). */
export function parsedObject(f: Frame): Record<string, unknown> | null {
  if (f.binary) return null;
  try {
    const v: unknown = JSON.parse(f.text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** fc.assert with the run's seed and size; a failure message says how to replay it. */
export function fuzz<T>(arb: fc.Arbitrary<T>, check: (v: T) => void, runs = FUZZ_RUNS): void {
  try {
    fc.assert(fc.property(arb, check), { seed: FUZZ_SEED, numRuns: runs, endOnFailure: true });
  } catch (err) {
    (err as Error).message = `${(err as Error).message}\nreplay: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${runs} npx vitest run <this file>`;
    throw err;
  }
}
