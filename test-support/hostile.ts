/**
 * Shared by the hostile-input and fuzz tests (issue 10): the names a lookup
 * keyed by wire data must never find on Object.prototype, discriminants that
 * are not strings, and a check that nothing polluted Object.prototype.
 */
import { expect } from 'vitest';

/** Every own name of Object.prototype (`constructor`, `toString`, `__defineGetter__`, …) plus `__proto__` and `prototype`. */
export const PROTO_NAMES: readonly string[] = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype'])];

/** Discriminants of the wrong type. */
export const NON_STRINGS: readonly unknown[] = [{}, { a: 1 }, 1, 0, -1.5, [], ['metrics'], null, true, false];

/** Every hostile discriminant: the prototype names, then the non-strings. */
export const HOSTILE_DISCRIMINANTS: readonly unknown[] = [...PROTO_NAMES, ...NON_STRINGS];

const snapshot = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',') + `|${Object.getPrototypeOf(Object.prototype)}`;
const BEFORE = snapshot();

/** Fails when Object.prototype gained or lost a property (or a prototype) since this module loaded, or `polluted` is readable on `{}`. */
export function expectPrototypeIntact(): void {
  expect(snapshot()).toBe(BEFORE);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}
