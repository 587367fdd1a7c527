/**
 * Where each dialect listens: the defaults of docs/protocols/README.md, ports
 * given per dialect, or all ephemeral. Resolved and checked before anything
 * binds, so a bad combination is a clear error and not a half-started backend.
 */
import { ErrorCodes, FleetwireError } from '@fleetwire/sdk';
import { DEFAULT_PORTS, type PortName } from './cli/port-defaults.js';

export { DEFAULT_PORTS, type PortName } from './cli/port-defaults.js';

export const PORT_NAMES: readonly PortName[] = ['fleet', 'controlPlane', 'vstats', 'lightd', 'monitor', 'admin'];

/** A port, 0 for an ephemeral one, or false to not start that part (not allowed for fleet). */
export type PortSetting = number | false;

export interface PortOptions {
  ports?: Partial<Record<PortName, PortSetting>>;
  /**
   * Every part not given in `ports` on an ephemeral port. Default: true when any
   * given port is 0 (one ephemeral part means a test run: nothing may then land on a
   * default port that another process could hold), else false (defaults).
   */
  ephemeral?: boolean;
  /** Shorthand for `ports.fleet` (kept for the first tests). */
  fleetPort?: number;
}

/** fleet and control-plane share one HTTP server: a port given for one moves the other. */
const SHARERS: Partial<Record<PortName, PortName>> = { fleet: 'controlPlane', controlPlane: 'fleet' };

/**
 * Where each part listens. Rules: a port given for fleet or control-plane moves
 * the other too (they share a server) unless both are given; any given port 0
 * makes every part not given ephemeral; otherwise parts not given take
 * {@link DEFAULT_PORTS}.
 */
export function resolvePorts(o: PortOptions): Record<PortName, PortSetting> {
  const given: Partial<Record<PortName, PortSetting>> = {};
  for (const name of PORT_NAMES) {
    const g = o.ports?.[name] ?? (name === 'fleet' ? o.fleetPort : undefined);
    if (g !== undefined) given[name] = g;
  }
  const ephemeral = o.ephemeral ?? Object.values(given).some((p) => p === 0);
  const out = {} as Record<PortName, PortSetting>;
  for (const name of PORT_NAMES) {
    const sharer = SHARERS[name];
    const moved = sharer !== undefined && given[name] === undefined && typeof given[sharer] === 'number' ? given[sharer] : undefined;
    const p = given[name] ?? moved ?? (ephemeral ? 0 : DEFAULT_PORTS[name]);
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

/** The CLI flag of each port (for messages that must name the right one). */
export const PORT_FLAGS: Record<PortName, string> = {
  fleet: '--fleet-port',
  controlPlane: '--control-plane-port',
  vstats: '--vstats-port',
  lightd: '--lightd-port',
  monitor: '--monitor-port',
  admin: '--admin-port',
};

/** The parts resolved to `port` (e.g. fleet and controlPlane for 3000). */
export function partsOnPort(ports: Record<PortName, PortSetting>, port: number): PortName[] {
  return PORT_NAMES.filter((n) => ports[n] === port);
}
