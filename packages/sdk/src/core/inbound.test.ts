import { describe, expect, it } from 'vitest';
import { ErrorCodes, FleetwireError } from './errors.js';
import { classify, malformed, redact, resolveToken, wsUrl } from './inbound.js';
import { Type } from './schema.js';
import { compile } from './compile.js';

const validators = {
  ping: compile(Type.Object({ type: Type.Literal('ping'), seq: Type.Integer() })),
  note: compile(Type.Object({ type: Type.Literal('note'), text: Type.String() })),
};

describe('wsUrl', () => {
  it('turns http(s) into ws(s) and appends the path to a bare base', () => {
    expect(wsUrl('http://h:8000', '/ws/agent')).toBe('ws://h:8000/ws/agent');
    expect(wsUrl('https://h', '/ws')).toBe('wss://h/ws');
    expect(wsUrl('ws://h', '/ws')).toBe('ws://h/ws');
  });

  it('appends under a base path, with or without a trailing slash, and keeps a base that already ends in the path', () => {
    expect(wsUrl('https://h/base/', '/ws')).toBe('wss://h/base/ws');
    expect(wsUrl('https://h/base', '/ws')).toBe('wss://h/base/ws');
    expect(wsUrl('ws://h/base/ws/agent', '/ws/agent')).toBe('ws://h/base/ws/agent');
    expect(wsUrl('ws://h/news', '/ws')).toBe('ws://h/news/ws'); // a suffix of a segment is not the path
  });

  it('adds query params, encoded, leaving undefined ones out and keeping ones already on the base', () => {
    expect(wsUrl('http://h', '/ws/agent', { token: 'a b&c', name: 'gpu-01', location: undefined })).toBe('ws://h/ws/agent?token=a+b%26c&name=gpu-01');
    expect(wsUrl('ws://h/ws?v=2', '/ws', { token: 't' })).toBe('ws://h/ws?v=2&token=t');
    expect(new URL(wsUrl('http://h', '/ws', { token: 'a b&c' })).searchParams.get('token')).toBe('a b&c');
    expect(wsUrl('http://h', '/ws', {})).toBe('ws://h/ws');
  });

  it('throws on a base that is not a URL (callers check options up front)', () => {
    expect(() => wsUrl('not a url', '/ws')).toThrow();
  });
});

describe('redact', () => {
  it('hides every token= value and nothing else', () => {
    expect(redact('ws://h/ws/agent?token=s3cret&name=gpu')).toBe('ws://h/ws/agent?token=***&name=gpu');
    expect(redact('ws://h/ws?name=gpu&token=s3cret')).toBe('ws://h/ws?name=gpu&token=***');
    expect(redact('ws://h/ws?token=a&token=b')).toBe('ws://h/ws?token=***&token=***');
    expect(redact('ws://h/ws?xtoken=keep&name=gpu')).toBe('ws://h/ws?xtoken=keep&name=gpu');
    expect(redact('ws://h/ws')).toBe('ws://h/ws');
  });

  it('works inside a longer message (e.g. a close reason naming the URL)', () => {
    expect(redact('Invalid URL: ws://h/ws?token=s3cret end')).toBe('Invalid URL: ws://h/ws?token=*** end');
  });
});

describe('classify', () => {
  it('a known, valid message: ok with its kind, extra fields allowed', () => {
    const r = classify({ type: 'ping', seq: 1, extra: true }, 'type', validators, 'demo');
    expect(r).toEqual({ ok: true, kind: 'ping', msg: { type: 'ping', seq: 1, extra: true } });
  });

  it('an unknown, missing, non-string or inherited discriminant: FW_PROTOCOL_UNKNOWN naming the dialect and field', () => {
    for (const msg of [{ type: 'pong' }, {}, { type: 7 }, { type: 'toString' }, { type: '__proto__' }]) {
      const r = classify(msg, 'type', validators, 'demo');
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error).toBeInstanceOf(FleetwireError);
      expect(r.error.code).toBe(ErrorCodes.FW_PROTOCOL_UNKNOWN);
      expect(r.error.message).toMatch(/^demo: unknown type /);
      expect(r.error.context).toMatchObject({ type: msg.type, payload: msg });
    }
  });

  it('uses the field it is given (`event` dialects)', () => {
    const r = classify({ type: 'ping', seq: 1 }, 'event', validators, 'demo');
    expect(r).toMatchObject({ ok: false, error: { code: ErrorCodes.FW_PROTOCOL_UNKNOWN, context: { event: undefined } } });
  });

  it('a known but invalid message: FW_PROTOCOL_INVALID listing the problems', () => {
    const r = classify({ type: 'ping', seq: 'one' }, 'type', validators, 'demo');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(ErrorCodes.FW_PROTOCOL_INVALID);
    expect(r.error.message).toMatch(/^demo: invalid ping: .*\/seq/);
    expect(r.error.context.problems).toEqual(expect.arrayContaining([expect.stringContaining('/seq')]));
  });
});

describe('malformed', () => {
  it('is FW_PROTOCOL_MALFORMED with the raw frame cut to 200 characters', () => {
    const short = malformed('demo', '{oops', 'not JSON');
    expect(short).toMatchObject({ code: ErrorCodes.FW_PROTOCOL_MALFORMED, context: { raw: '{oops' } });
    expect(short.message).toBe('demo: malformed frame from the server (not JSON)');
    const long = malformed('demo', 'x'.repeat(500), 'not JSON');
    expect(long.context.raw).toBe(`${'x'.repeat(200)}…`);
  });
});

describe('resolveToken', () => {
  it('returns a string as is and calls sync and async providers', async () => {
    await expect(resolveToken('t1')).resolves.toBe('t1');
    await expect(resolveToken(() => 't2')).resolves.toBe('t2');
    await expect(resolveToken(async () => 't3')).resolves.toBe('t3');
  });

  it('rejects an empty string or a provider yielding a non-string, saying what it got', async () => {
    await expect(resolveToken('')).rejects.toThrow('token provider returned "", expected a non-empty string');
    await expect(resolveToken(() => undefined as unknown as string)).rejects.toThrow(/returned undefined/);
    await expect(resolveToken(async () => 42 as unknown as string)).rejects.toThrow(/returned 42/);
  });

  it("passes on the provider's own error, sync throw or rejection", async () => {
    await expect(resolveToken(() => { throw new Error('refresh failed'); })).rejects.toThrow('refresh failed');
    await expect(resolveToken(async () => Promise.reject(new Error('401 from auth server')))).rejects.toThrow('401 from auth server');
  });
});
