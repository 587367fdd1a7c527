/** The `vstats` dialect's public names (re-exported by the package index). */
export * from './messages.js';
export { VStatsAgent, type VStatsAgentOptions, type SystemMetricsInput } from './agent.js';
export { VStatsDashboard, type VStatsDashboardOptions } from './dashboard.js';
export type { VStatsAgentEvents, VStatsDashboardEvents, VStatsConnectionEvents, VStatsServer } from './events.js';
export { type WsClientOptions } from '../../core/ws-client.js';
