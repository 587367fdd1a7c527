/**
 * msw, loaded so that its absence gives a clear error (see msw-missing.ts).
 * ESM build and sources: a top-level `await import()`, the only way an ES module
 * can catch a missing dependency (a static import fails at link time, before any
 * code runs). The CommonJS build uses msw-module.cjs.ts instead (tsup swaps it).
 */
import { mswMissing } from './msw-missing.js';

let msw: typeof import('msw');
try {
  msw = await import('msw');
} catch (e) {
  throw mswMissing(e);
}

/** msw's `ws` namespace (`ws.link()`). */
export const ws: typeof import('msw').ws = msw.ws;
