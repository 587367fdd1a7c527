import { describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_URL, lightdCredentials, lightdProbe, lightdTokenRequest, readAdminReply } from './lightd.ts';

describe('lightdCredentials', () => {
  it('takes KEYS_FILE, then LIGHTD_TOKEN, then ADMIN_TOKEN (+ADMIN_URL, default the mock admin port)', () => {
    expect(lightdCredentials({ KEYS_FILE: 'k.txt', LIGHTD_TOKEN: 't', ADMIN_TOKEN: 'a' })).toEqual({ mode: 'keys' });
    expect(lightdCredentials({ LIGHTD_TOKEN: 't', ADMIN_TOKEN: 'a' })).toEqual({ mode: 'token', token: 't' });
    expect(lightdCredentials({ ADMIN_TOKEN: 'a' })).toEqual({ mode: 'admin', adminUrl: DEFAULT_ADMIN_URL, adminToken: 'a' });
    expect(lightdCredentials({ ADMIN_TOKEN: 'a', ADMIN_URL: 'http://127.0.0.2:9/' })).toMatchObject({ adminUrl: 'http://127.0.0.2:9' });
  });
  it('without any, says what to set', () => {
    expect(() => lightdCredentials({})).toThrow(/no dev token.*-e ADMIN_TOKEN=.*-e KEYS_FILE=.*-e LIGHTD_TOKEN=/s);
    expect(() => lightdCredentials({ ADMIN_TOKEN: 'a', ADMIN_URL: 'ws://x' })).toThrow('ADMIN_URL must be an http(s):// URL, got "ws://x"');
  });
});

describe('lightd admin helpers', () => {
  it('asks for a reusable token that outlives the run', () => {
    expect(lightdTokenRequest(70_500)).toEqual({ singleUse: false, ttlSeconds: 71 + 600 });
  });
  it('reads replies and errors', () => {
    expect(readAdminReply(200, '{"token":"lightd_x"}', 'minting')).toEqual({ ok: true, value: { token: 'lightd_x' } });
    expect(readAdminReply(401, '{"error":{"code":"FW_AUTH_REJECTED","message":"bad token"}}', 'minting')).toEqual({
      ok: false,
      error: 'minting: HTTP 401 FW_AUTH_REJECTED: bad token — ADMIN_TOKEN is not this backend’s admin token',
    });
    expect(readAdminReply(0, null, 'minting')).toMatchObject({ ok: false, error: expect.stringContaining('no answer') });
    expect(readAdminReply(200, 'not json', 'minting').ok).toBe(false);
  });
  it('probe markers never prefix one another', () => {
    const a = lightdProbe(0, 1).marker;
    const b = lightdProbe(0, 12).marker;
    expect(`${b}\n`.includes(a)).toBe(false);
    expect(lightdProbe(0, 1).command).toBe(`echo ${a}`);
  });
});
