/**
 * Parsers for the CLI's value formats. Each returns the value or a message
 * saying what was expected, so `args.ts` can name the flag and exit 2.
 */
import { parseDurationMs } from '../report/units.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const no = <T>(message: string): Parsed<T> => ({ ok: false, message });

/** A duration with a unit: 30s, 5m, 1h, 250ms, 1m30s. */
export function duration(text: string): Parsed<number> {
  const ms = parseDurationMs(text);
  return ms === null ? no(`expected a duration with a unit (ms, s, m, h), e.g. 30s, 5m, 1h, 250ms; got "${text}"`) : ok(ms);
}

/** A share of something: 0.05 or 5%, within [0, 1]. */
export function share(text: string): Parsed<number> {
  const t = text.trim();
  const pct = t.endsWith('%');
  const num = pct ? t.slice(0, -1) : t;
  if (!/^\d+(\.\d+)?$/.test(num)) return no(`expected a share such as 0.05 or 5%; got "${text}"`);
  const v = pct ? Number(num) / 100 : Number(num);
  return v <= 1 ? ok(v) : no(`expected a share between 0 and 1 (or 0%–100%); got "${text}"`);
}

/** GPUs per host: `8`, or a range `1-8` drawn per agent from the seed. */
export function gpus(text: string): Parsed<number | [number, number]> {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) return no(`expected a GPU count (e.g. 8) or a range (e.g. 1-8); got "${text}"`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi > 64) return no(`at most 64 GPUs per host; got "${text}"`);
  if (hi < lo) return no(`a range must be min-max with min <= max; got "${text}"`);
  return ok(m[2] === undefined ? lo : [lo, hi]);
}

/** `--chaos-slow-ack SHARE:DELAY`: a share of agents that answer late by DELAY, e.g. `5%:2s` or `0.1:500ms`. */
export function slowAck(text: string): Parsed<{ share: number; delayMs: number }> {
  const i = text.lastIndexOf(':');
  if (i < 0) return no(`expected SHARE:DELAY, e.g. 5%:2s or 0.1:500ms; got "${text}"`);
  const s = share(text.slice(0, i));
  if (!s.ok) return no(`${s.message} (in SHARE:DELAY)`);
  const d = duration(text.slice(i + 1));
  if (!d.ok) return no(`${d.message} (in SHARE:DELAY)`);
  return ok({ share: s.value, delayMs: d.value });
}

/** A ws/http(s) URL. */
export function url(text: string): Parsed<string> {
  try {
    const u = new URL(text);
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return no(`expected an http(s):// or ws(s):// URL; got "${text}"`);
    return ok(text);
  } catch {
    return no(`expected a URL such as http://127.0.0.1:3000; got "${text}"`);
  }
}
