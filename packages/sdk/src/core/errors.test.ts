import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, FleetwireError, messageOf } from './errors.js';

describe('error codes', () => {
  it('every code maps to itself and is documented in docs/errors.md', () => {
    const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
    for (const [k, v] of Object.entries(ErrorCodes)) {
      expect(v).toBe(k);
      expect(doc).toContain(`| \`${k}\` |`);
    }
  });

  it('FleetwireError carries name, code and context', () => {
    const e = new FleetwireError(ErrorCodes.FW_ACK_TIMEOUT, 'late', { event: 'heartbeat' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('FleetwireError');
    expect(e.code).toBe('FW_ACK_TIMEOUT');
    expect(e.context).toEqual({ event: 'heartbeat' });
  });

  it('messageOf never throws, whatever was thrown', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(messageOf(new Error('x'))).toBe('x');
    expect(messageOf('y')).toBe('y');
    expect(messageOf({ a: 1 })).toBe('{"a":1}');
    expect(typeof messageOf(circular)).toBe('string');
  });
});
