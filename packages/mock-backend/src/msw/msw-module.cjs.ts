/**
 * msw for the CommonJS build (tsup puts it in place of msw-module.ts, which needs
 * top-level await): `require` in a try, so a missing msw gives a clear error.
 */
import { createRequire } from 'node:module';
import { mswMissing } from './msw-missing.js';

let msw: typeof import('msw');
try {
  // tsup's CJS output has a real `require`; createRequire keeps this file valid ESM for the typecheck.
  msw = createRequire(import.meta.url)('msw') as typeof import('msw');
} catch (e) {
  throw mswMissing(e);
}

/** msw's `ws` namespace (`ws.link()`). */
export const ws: typeof import('msw').ws = msw.ws;
