/** The `control-plane` dialect's public names (re-exported by the package index). */
export * from './messages.js';
export { ControlPlaneEvents, type ControlPlaneEventsOptions } from './client.js';
export { matchesPattern, patternsFor, isPattern, type ControlPlaneClientEvents, type ControlPlaneConnectionEvents, type ControlPlanePattern } from './events.js';
