/** Run-time constants of the fleet dialect, apart from the schemas so a client bundle needs no schema builder. */

/** The Socket.IO namespace. */
export const FLEET_NAMESPACE = '/fleet';
