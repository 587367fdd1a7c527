/** The lightd dialect's public names (re-exported by the SDK's index.ts): wire types under `lightd`, the client and its API types top-level. */
export * as lightd from './messages.js';
export { LightdConsole, type LightdConsoleOptions } from './console.js';
export type { LightdConsoleEvents } from './events.js';
