/** Run-time constants of the vstats dialect, apart from the schemas so a client bundle needs no schema builder. */

/** Dashboard path (vstats.md "Dashboard Client"). */
export const VSTATS_DASHBOARD_PATH = '/ws';
/** Agent path; the token goes in `?token=` (vstats.md "Agent Connection"). */
export const VSTATS_AGENT_PATH = '/ws/agent';
