/**
 * Where each dialect listens: the defaults of shared/protocols/README.md, ports
 * given per dialect, or all ephemeral. Resolved and checked before anything
 * binds, so a bad combination is a clear error and not a half-started backend.
 */
import { ErrorCodes, FleetwireError } from '@fleetwire/sdk';
import type { DialectName } from './faults/connections.js';

export type PortName = DialectName | 'admin';

/** Default ports. fleet and control-plane share 3000 (Socket.IO's path and /ws); admin is fleetwire's own choice. */
export const DEFAULT_PORTS = { fleet: 3000, controlPlane: 3000, vstats: 3001, lightd: 8070, monitor: 8000, admin: 3100 } as const;

export const PORT_NAMES: readonly PortName[] = ['fleet', 'controlPlane', 'vstats', 'lightd', 'monitor', 'admin'];

/** A port, 0 for an ephemeral one, or false to not start that part (not allowed for fleet). */
export type PortSetting = number | false;

export interface PortOptions {
  ports?: Partial<Record<PortName, PortSetting>>;
  /** Every part not given in `ports` on an ephemeral port. Default: true when `fleetPort` is 0 and `ports` is absent. */
  ephemeral?: boolean;
  /** Shorthand for `ports.fleet` (kept for the first tests). */
  fleetPort?: number;
}

export function resolvePorts(o: PortOptions): Record<PortName, PortSetting> {
  const ephemeral = o.ephemeral ?? (o.fleetPort === 0 && o.ports === undefined);
  const out = {} as Record<PortName, PortSetting>;
  for (const name of PORT_NAMES) {
    const given = o.ports?.[name] ?? (name === 'fleet' ? o.fleetPort : undefined);
    const p = given ?? (ephemeral ? 0 : DEFAULT_PORTS[name]);
    if (p !== false && !(Number.isInteger(p) && p >= 0 && p <= 65535)) {
      throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, `port for ${name} must be an integer from 0 to 65535 (0 = ephemeral), got ${JSON.stringify(p)}`);
    }
    out[name] = p;
  }
  if (out.fleet === false) throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, 'the fleet dialect cannot be turned off');
  // Only fleet and control-plane may share a port: the other dialects' paths could collide.
  const seen = new Map<number, PortName>();
  for (const name of PORT_NAMES) {
    const p = out[name];
    if (p === false || p === 0) continue;
    const other = seen.get(p);
    const sharable = (other === 'fleet' && name === 'controlPlane') || (other === 'controlPlane' && name === 'fleet');
    if (other && !sharable) throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, `${other} and ${name} cannot share port ${p}`);
    seen.set(p, name);
  }
  return out;
}
