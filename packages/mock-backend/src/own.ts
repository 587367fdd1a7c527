/**
 * Lookups keyed by a name from the wire (a message `type`, an `event`, a docker
 * `action`, a route segment) must never find Object.prototype's members: a plain
 * `table[name]` answers `constructor`, `toString`, `__proto__`, … with a
 * function or an object, and calling what it found crashed the process once
 * (issue 10: `{"type":"__proto__"}` to vstats). Use `own()` or a `Map` instead.
 */

/** `table[key]` when `key` is a string naming an own property of `table`; undefined otherwise (non-strings included). */
export function own<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
