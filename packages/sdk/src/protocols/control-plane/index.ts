/** The control-plane dialect's public names (re-exported by the SDK's index.ts): wire types under `controlPlane`, the client and its API types top-level. */
export * as controlPlane from './messages.js';
export { ControlPlaneEvents, type ControlPlaneEventsOptions } from './client.js';
export { matchesPattern, patternsFor, isPattern, type ControlPlaneClientEvents, type ControlPlanePattern } from './events.js';
