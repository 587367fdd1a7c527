import { describe, expect, it } from 'vitest';
import { headerValueProblem, MAX_HEADER_CREDENTIAL_LENGTH } from './header-value.js';

describe('headerValueProblem', () => {
  it.each([
    ['fw_0123456789abcdef', null],
    ['dev-gpu-7', null],
    ['key with inner space', null],
    ['latin-1 é is a legal header byte', null],
  ])('accepts %j', (key, expected) => {
    expect(headerValueProblem(key)).toBe(expected);
  });

  it('accepts a key of exactly the length limit and refuses one over it', () => {
    expect(headerValueProblem('x'.repeat(MAX_HEADER_CREDENTIAL_LENGTH))).toBeNull();
    expect(headerValueProblem('x'.repeat(20_000))).toMatch(/is 20000 characters long \(at most 8192/);
  });

  it.each([
    ['abc\ndef', /control character \(U\+000A\) at index 3/],
    ['abc\0', /control character \(U\+0000\) at index 3/],
    ['tab\there', /control character \(U\+0009\)/],
    ['del\x7f', /control character \(U\+007F\)/],
    ['key€', /"€" \(U\+20AC\) at index 3, outside the Latin-1 range/],
    ['🔑key', /"🔑" \(U\+1F511\) at index 0/],
    [' padded', /starts or ends with whitespace/],
    ['padded ', /starts or ends with whitespace/],
  ])('refuses %j', (key, message) => {
    expect(headerValueProblem(key)).toMatch(message);
  });
});
