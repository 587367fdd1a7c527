/** The monitor dialect's public names (re-exported by the SDK's index.ts): wire types under `monitor`, the clients and their API types top-level. */
export * as monitor from './messages.js';
export { MonitorAgent, type MonitorAgentOptions } from './agent.js';
export { MonitorMetricsStream, MonitorLogStream, type MonitorStreamOptions } from './streams.js';
export type { MonitorAgentEvents, MonitorStreamEvents, CommandResult, DockerResult } from './events.js';
