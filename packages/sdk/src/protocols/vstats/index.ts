/** The vstats dialect's public names (re-exported by the SDK's index.ts): wire types under `vstats`, the clients and their API types top-level. */
export * as vstats from './messages.js';
export { VStatsAgent, type VStatsAgentOptions, type SystemMetricsInput } from './agent.js';
export { VStatsDashboard, type VStatsDashboardOptions } from './dashboard.js';
export type { VStatsAgentEvents, VStatsDashboardEvents, VStatsServer } from './events.js';
