/** Run-time constants of the control-plane dialect, apart from the schemas so a client bundle needs no schema builder. */

/** The stream's path. */
export const CONTROL_PLANE_PATH = '/ws';
