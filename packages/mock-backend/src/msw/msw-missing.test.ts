import { describe, expect, it } from 'vitest';
import { mswMissing } from './msw-missing.js';

describe('mswMissing', () => {
  it('turns "msw not found" (ESM and CJS wording) into an install hint', () => {
    for (const [code, message] of [
      ['ERR_MODULE_NOT_FOUND', "Cannot find package 'msw' imported from /x/dist/msw/index.js"],
      ['MODULE_NOT_FOUND', "Cannot find module 'msw'\nRequire stack: ..."],
    ]) {
      const cause = Object.assign(new Error(message), { code });
      const e = mswMissing(cause);
      expect(e.message).toMatch(/needs msw 2, an optional peer dependency.*npm install --save-dev msw/);
      expect(e.cause).toBe(cause);
    }
  });

  it('keeps any other error as it is', () => {
    const other = Object.assign(new Error("Cannot find package 'graphql' imported from msw"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(mswMissing(other)).toBe(other);
    const boom = new TypeError('boom');
    expect(mswMissing(boom)).toBe(boom);
  });
});
