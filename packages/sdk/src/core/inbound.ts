/**
 * What every plain-WebSocket JSON client does with the wire at its edges:
 * build the ws(s):// URL (path + query), hide tokens before a URL reaches an
 * error or a log, resolve a token given as a value or a provider, and turn one
 * inbound frame into a typed message or the FleetwireError to emit — never a
 * throw (DESIGN.md convention 5). Shared by monitor, lightd, vstats and
 * control-plane, whose discriminant field is `type` or `event`.
 */
import { ErrorCodes, FleetwireError } from './errors.js';
import type { Validator } from './validator.js';

/** One validator per message name (`type` / `event` value). */
export type Validators = Record<string, Validator<unknown>>;

/** The typed outcome for a known, valid message: `kind` narrows `msg`. */
export type Validated<V> = { [K in keyof V]: V[K] extends Validator<infer T> ? { ok: true; kind: K; msg: T } : never }[keyof V];

/**
 * Classifies one parsed frame: a known `field` value whose validator passes →
 * `{ ok: true, kind, msg }`; an unknown value (or a missing / non-string one, or
 * an inherited name like `toString`) → FW_PROTOCOL_UNKNOWN; a schema failure →
 * FW_PROTOCOL_INVALID naming the offending fields. Extra fields are accepted.
 */
export function classify<V extends Validators>(
  msg: Record<string, unknown>,
  field: 'type' | 'event',
  validators: V,
  dialect: string,
): Validated<V> | { ok: false; error: FleetwireError } {
  const kind = msg[field];
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(validators, kind)) {
    return {
      ok: false,
      error: new FleetwireError(ErrorCodes.FW_PROTOCOL_UNKNOWN, `${dialect}: unknown ${field} ${JSON.stringify(kind)} from the server`, {
        [field]: kind,
        payload: msg,
      }),
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

/** The FW_PROTOCOL_MALFORMED error for a frame that is not a JSON object; `raw` is cut to 200 characters. */
export function malformed(dialect: string, raw: string, problem: string): FleetwireError {
  return new FleetwireError(ErrorCodes.FW_PROTOCOL_MALFORMED, `${dialect}: malformed frame from the server (${problem})`, {
    raw: raw.length > 200 ? `${raw.slice(0, 200)}…` : raw,
  });
}

/** A token given as a value or a provider called on every (re)connect (sync or async). */
export type TokenSource = string | (() => string | Promise<string>);

/** Resolves a TokenSource. Rejects with the provider's error, or when it yields anything but a non-empty string. */
export async function resolveToken(src: TokenSource): Promise<string> {
  const t = typeof src === 'function' ? await src() : src;
  if (typeof t !== 'string' || t.length === 0) throw new Error(`token provider returned ${JSON.stringify(t)}, expected a non-empty string`);
  return t;
}

/** Hides the value of every `token=` query parameter, so a URL can go into errors, state reasons and logs. */
export function redact(text: string): string {
  return text.replace(/([?&]token=)[^&#\s]*/g, '$1***');
}

/**
 * `base` (http(s):// or ws(s)://, with or without a trailing slash) + `path` +
 * `query`, as a ws(s):// URL. A base that already ends in `path` is kept as is;
 * query values that are undefined are left out; values are URL-encoded.
 */
export function wsUrl(base: string, path: string, query: Record<string, string | undefined> = {}): string {
  const u = new URL(base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  const basePath = u.pathname.replace(/\/+$/, '');
  if (!basePath.endsWith(path)) u.pathname = basePath + path;
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}
