/** The vstats side of the mock backend (re-exported by the package index). */
export { startVStatsServer, type VStatsServerOptions, type VStatsServerHandle, type VStatsCounters } from './server.js';
export { VStatsState, serverIdForToken, type VStatsServerRecord, type VStatsStateEvents } from '../state/vstats.js';
