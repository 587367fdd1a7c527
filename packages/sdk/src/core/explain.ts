/**
 * Says what is wrong with a value, from its JSON Schema, in TypeBox's words
 * (`/metrics/gpuTemp: Expected array`). TypeBox's own error iterator needs its
 * value module (~90 KB in a browser bundle), so the SDK walks the schema itself
 * — only for a value that already failed its generated check, and only for the
 * keywords the dialect schemas use (type, properties, required,
 * patternProperties, items, const, anyOf, minLength, pattern, minimum, maximum).
 * A test compares the output with TypeBox's `Errors` on every schema, so the
 * messages stay the same as TypeBox's.
 */

/** The subset of JSON Schema the SDK's message schemas are made of. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  /** A regular expression the whole string must match (IsoTimestamp). */
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

const LIMIT = 10;

/** Up to 10 problems of `value` against `schema`, each `path: message`. */
export function explain(schema: JsonSchema, value: unknown): string[] {
  const out: string[] = [];
  visit(schema, '', value, (path, message) => {
    out.push(`${path || '/'}: ${message}`);
    return out.length < LIMIT;
  });
  return out;
}

/** Reports one problem; returns false to stop the walk. */
type Report = (path: string, message: string) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapeKey = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function valid(schema: JsonSchema, value: unknown): boolean {
  let ok = true;
  visit(schema, '', value, () => (ok = false));
  return ok;
}

/** Walks like TypeBox's ValueErrors (errors/errors.mjs); returns false once `report` asked to stop. */
function visit(s: JsonSchema, path: string, v: unknown, report: Report): boolean {
  if (s.anyOf) return s.anyOf.some((x) => valid(x, v)) || report(path, 'Expected union value');
  if ('const' in s) return v === s.const || report(path, `Expected ${typeof s.const === 'string' ? `'${s.const}'` : String(s.const)}`);
  switch (s.type) {
    case 'object':
      return s.patternProperties ? record(s, path, v, report) : object(s, path, v, report);
    case 'array':
      if (!Array.isArray(v)) return report(path, 'Expected array');
      if (s.minItems !== undefined && !(v.length >= s.minItems) && !report(path, `Expected array length to be greater or equal to ${s.minItems}`)) return false;
      if (s.maxItems !== undefined && !(v.length <= s.maxItems) && !report(path, `Expected array length to be less or equal to ${s.maxItems}`)) return false;
      if (!s.items) return true;
      for (let i = 0; i < v.length; i++) if (!visit(s.items, `${path}/${i}`, v[i], report)) return false;
      return true;
    case 'string':
      if (typeof v !== 'string') return report(path, 'Expected string');
      if (s.minLength !== undefined && !(v.length >= s.minLength) && !report(path, `Expected string length greater or equal to ${s.minLength}`)) return false;
      if (s.maxLength !== undefined && !(v.length <= s.maxLength) && !report(path, `Expected string length less or equal to ${s.maxLength}`)) return false;
      return s.pattern === undefined || new RegExp(s.pattern).test(v) || report(path, `Expected string to match '${s.pattern}'`);
    case 'number':
    case 'integer': {
      const kind = s.type;
      if (kind === 'integer' ? !Number.isInteger(v) : !(typeof v === 'number' && Number.isFinite(v))) return report(path, `Expected ${kind}`);
      const n = v as number;
      if (s.maximum !== undefined && !(n <= s.maximum) && !report(path, `Expected ${kind} to be less or equal to ${s.maximum}`)) return false;
      return s.minimum === undefined || n >= s.minimum || report(path, `Expected ${kind} to be greater or equal to ${s.minimum}`);
    }
    case 'boolean':
      return typeof v === 'boolean' || report(path, 'Expected boolean');
    case 'null':
      return v === null || report(path, 'Expected null');
    default:
      return true; // {} — Unknown / Any: everything goes
  }
}

function object(s: JsonSchema, path: string, v: unknown, report: Report): boolean {
  if (!isObject(v)) return report(path, 'Expected object');
  const required = s.required ?? [];
  const own = Object.getOwnPropertyNames(v);
  for (const k of required) if (!own.includes(k) && !report(`${path}/${escapeKey(k)}`, 'Expected required property')) return false;
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    // Optional properties are checked only when present (TypeBox's exactOptionalPropertyTypes is off: undefined passes).
    if (!required.includes(k) && v[k] === undefined) continue;
    if (!visit(p, `${path}/${escapeKey(k)}`, v[k], report)) return false;
  }
  return true;
}

function record(s: JsonSchema, path: string, v: unknown, report: Report): boolean {
  if (!isObject(v) || v instanceof Date || v instanceof Uint8Array) return report(path, 'Expected object');
  const [pattern, inner] = Object.entries(s.patternProperties!)[0]!;
  const re = new RegExp(pattern);
  for (const [k, x] of Object.entries(v)) if (re.test(k) && !visit(inner, `${path}/${escapeKey(k)}`, x, report)) return false;
  return true;
}
