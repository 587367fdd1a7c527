/**
 * fleet.md's `connectionInfo` derived from a `start_instance` command: the
 * container's port 22 is SSH (`proxyPortMapping["22"]` is the proxy port to
 * reach it), every other mapped port goes to `additionalPorts`. The SSH host is
 * the proxy's name, which the command does not carry: the agent knows it
 * (FleetAgentOptions.sshHost).
 */
import { ErrorCodes, FleetwireError } from '../../core/errors.js';
import type { ConnectionInfo, StartInstance } from './schema.js';

/**
 * `{ sshHost, sshPort: proxyPortMapping["22"], additionalPorts: the other entries }`.
 * Throws FW_INVALID_ARGUMENT when the command maps no port 22 or `sshHost` is
 * empty — inside `onStartInstance` that throw becomes an `instance_stopped`
 * with the message, as for any failed start.
 */
export function connectionInfoFor(cmd: Pick<StartInstance, 'rentalId' | 'proxyPortMapping'>, sshHost: string): ConnectionInfo {
  if (typeof sshHost !== 'string' || sshHost.length === 0) {
    throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, 'connectionInfoFor: sshHost must be the non-empty host name of the SSH proxy (FleetAgentOptions.sshHost)');
  }
  const mapping = cmd.proxyPortMapping ?? {};
  const sshPort = Object.prototype.hasOwnProperty.call(mapping, '22') ? mapping['22'] : undefined;
  if (sshPort === undefined) {
    throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, `rental ${cmd.rentalId}: proxyPortMapping has no port 22, so there is no SSH port to report`, {
      rentalId: cmd.rentalId,
      proxyPortMapping: mapping,
    });
  }
  const additionalPorts: Record<string, number> = {};
  for (const [port, hostPort] of Object.entries(mapping)) if (port !== '22') additionalPorts[port] = hostPort;
  return Object.keys(additionalPorts).length > 0 ? { sshHost, sshPort, additionalPorts } : { sshHost, sshPort };
}
