/**
 * Classifies one parsed frame of a JSON dialect: known type + valid → the typed
 * message; otherwise the FleetwireError to emit (FW_PROTOCOL_UNKNOWN for a type
 * the dialect does not define, FW_PROTOCOL_INVALID for a schema failure).
 * Shared by monitor and lightd (the discriminant field differs: `type` / `event`).
 * A candidate for core/ once more dialects use it.
 */
import { ErrorCodes, FleetwireError } from '../../core/errors.js';
import type { Validator } from '../../core/schema.js';

type Validated<V> = { [K in keyof V]: V[K] extends Validator<infer T> ? { ok: true; kind: K; msg: T } : never }[keyof V];

export function classify<V extends Record<string, Validator<unknown>>>(
  msg: Record<string, unknown>,
  field: string,
  validators: V,
  dialect: string,
): Validated<V> | { ok: false; error: FleetwireError } {
  const kind = msg[field];
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(validators, kind)) {
    return {
      ok: false,
      error: new FleetwireError(
        ErrorCodes.FW_PROTOCOL_UNKNOWN,
        `${dialect}: unknown ${field} ${JSON.stringify(kind)} from the server`,
        { [field]: kind, payload: msg },
      ),
    };
  }
  const v = validators[kind] as Validator<unknown>;
  if (!v.check(msg)) {
    const problems = v.explain(msg);
    return {
      ok: false,
      error: new FleetwireError(ErrorCodes.FW_PROTOCOL_INVALID, `${dialect}: invalid ${kind}: ${problems.join('; ')}`, {
        [field]: kind,
        problems,
        payload: msg,
      }),
    };
  }
  return { ok: true, kind, msg } as Validated<V>;
}

/** The FW_PROTOCOL_MALFORMED error for a frame that is not a JSON object. */
export function malformed(dialect: string, raw: string, problem: string): FleetwireError {
  return new FleetwireError(ErrorCodes.FW_PROTOCOL_MALFORMED, `${dialect}: malformed frame from the server (${problem})`, {
    raw: raw.length > 200 ? `${raw.slice(0, 200)}…` : raw,
  });
}

/** A token given as a value or a provider called on every (re)connect. */
export type TokenSource = string | (() => string | Promise<string>);

/** Resolves a TokenSource; rejects with the provider's error. */
export async function resolveToken(src: TokenSource): Promise<string> {
  const t = typeof src === 'function' ? await src() : src;
  if (typeof t !== 'string' || t.length === 0) throw new Error(`token provider returned ${JSON.stringify(t)}, expected a non-empty string`);
  return t;
}

/** `base` (http(s)/ws(s), with or without a trailing slash) + `path`, as a ws(s):// URL. A base that already ends in `path` is kept. */
export function wsUrl(base: string, path: string): string {
  const u = new URL(base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  const basePath = u.pathname.replace(/\/+$/, '');
  if (!basePath.endsWith(path.split('?')[0]!)) u.pathname = basePath + path;
  return u.toString();
}
