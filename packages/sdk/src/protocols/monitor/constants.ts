/** Run-time constants of the monitor dialect, apart from the schemas so a client bundle needs no schema builder. */

/** Paths of monitor.md. */
export const MONITOR_PATHS = {
  agent: '/api/v1/agents/ws',
  metrics: (serverId: string) => `/api/v1/ws/metrics/${encodeURIComponent(serverId)}`,
  logs: (serverId: string) => `/api/v1/ws/logs/${encodeURIComponent(serverId)}`,
} as const;

/** The error messages monitor.md spells out, verbatim. */
export const MONITOR_ERRORS = {
  invalidApiKey: 'Invalid or inactive API key',
  invalidMessage: 'Invalid message format',
} as const;
