/** The lightd dialect's public names (re-exported by the SDK's index.ts). */
export * as lightd from './messages.js';
export { LightdConsole, type LightdConsoleOptions } from './console.js';
export type { LightdConsoleEvents } from './events.js';
