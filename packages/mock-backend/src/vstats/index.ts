/** The vstats side of the mock backend (re-exported by the package index). */
export { attachVStats, startVStatsServer, type VStatsAttachOptions, type VStatsServerOptions, type VStatsServerHandle } from './server.js';
export { VStatsCore, type VStatsCoreOptions, type VStatsCounters } from './core.js';
export { VStatsState, serverIdForToken, type VStatsServerRecord, type VStatsStateEvents } from '../state/vstats.js';
