/** The fleet dialect's public names (re-exported by the SDK's index.ts): wire types under `fleet`, the client and its API types top-level. */
export * as fleet from './messages.js';
export { FleetAgent, type FleetAgentOptions } from './agent.js';
export { connectionInfoFor } from './connection-info.js';
export type { FleetAgentEvents, StartResult, StopResult, StartError } from './events.js';
