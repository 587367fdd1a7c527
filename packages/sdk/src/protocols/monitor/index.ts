/** The monitor dialect's public names (re-exported by the SDK's index.ts). */
export * as monitor from './messages.js';
export { MonitorAgent, type MonitorAgentOptions } from './agent.js';
export { MonitorMetricsStream, MonitorLogStream, type MonitorStreamOptions } from './streams.js';
export type { MonitorAgentEvents, MonitorStreamEvents, MonitorConnectionEvents, CommandResult, DockerResult } from './events.js';
export type { TokenSource } from '../../core/inbound.js';
