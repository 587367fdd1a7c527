/**
 * The default ports, in a module of their own with no imports, so the CLI's
 * argument parsing (and `--help`) loads without the backend.
 */

/** A part of the mock backend that listens: a dialect or the admin API. */
export type PortName = 'fleet' | 'controlPlane' | 'vstats' | 'lightd' | 'monitor' | 'admin';

/** Default ports. fleet and control-plane share 3000 (Socket.IO's path and /ws); admin is fleetwire's own choice. */
export const DEFAULT_PORTS = { fleet: 3000, controlPlane: 3000, vstats: 3001, lightd: 8070, monitor: 8000, admin: 3100 } as const;
