import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';
import { IsoTimestamp, isIsoTimestamp } from './timestamp.js';

const good = [
  '2024-01-01T00:00:00Z',
  '2024-01-15T10:30:00.000Z',
  '2024-02-29T23:59:59.123456789Z',
  '2024-01-01T12:00:00+02:00',
  '2024-01-01T12:00:00-0530',
  '2024-01-01T12:00:00', // naive local time (Python isoformat)
  new Date().toISOString(),
];
const bad = ['yesterday', '', '2024-01-01', '2024-01-01 00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-32T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00Z', '1704067200', 'Mon, 01 Jan 2024 00:00:00 GMT', '2024-01-01T00:00:00Zjunk'];

describe('IsoTimestamp', () => {
  const v = compile(IsoTimestamp());
  it.each(good)('accepts %s', (t) => {
    expect(v.check(t)).toBe(true);
    expect(isIsoTimestamp(t)).toBe(true);
  });
  it.each(bad)('refuses %j', (t) => {
    expect(v.check(t)).toBe(false);
    expect(isIsoTimestamp(t)).toBe(false);
  });
  it('refuses non-strings and names the problem', () => {
    expect(v.check(1704067200)).toBe(false);
    expect(v.explain('yesterday').join()).toMatch(/Expected string to match/);
  });
});
