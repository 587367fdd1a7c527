/**
 * The one timestamp type of every dialect: an ISO 8601 date-time string
 * (docs/protocols/README.md: "Timestamps are ISO 8601 strings"). Every schema
 * field that holds a time uses {@link IsoTimestamp}, in both directions, so the
 * SDK refuses `"yesterday"` from a server and the mock backend refuses it from
 * an agent with the dialect's documented error.
 *
 * A `pattern` rather than `format: 'date-time'`: a pattern is plain JSON Schema
 * that every validator runs without a format registry (TypeBox's compiler, Ajv,
 * ahead-of-time generated code), so the check cannot silently turn off.
 */
import { Type, type TString } from '@sinclair/typebox';

/**
 * `YYYY-MM-DDThh:mm:ss`, optional fraction (up to 9 digits), then `Z`, an offset
 * (`+02:00`, `+0200`) or nothing (a local time, as Python's naive `isoformat()`
 * sends). Month 01–12, day 01–31, hour 00–23, minute and second 00–59 (60 for a
 * leap second).
 */
export const ISO_8601_PATTERN =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)(\\.\\d{1,9})?(Z|[+-]([01]\\d|2[0-3]):?[0-5]\\d)?$';

const ISO_8601 = new RegExp(ISO_8601_PATTERN);

/** A TypeBox schema for an ISO 8601 date-time string, e.g. `2024-01-01T00:00:00Z`. */
export function IsoTimestamp(): TString {
  return Type.String({ pattern: ISO_8601_PATTERN });
}

/** True when `value` is an ISO 8601 date-time string by {@link ISO_8601_PATTERN} and names a real instant. */
export function isIsoTimestamp(value: unknown): value is string {
  return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value));
}
