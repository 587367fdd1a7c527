/**
 * Message builders for the `fleet` dialect (shared/protocols/fleet.md): what a
 * GPU host agent sends, and its answers to the control plane's commands.
 * Shapes mirror packages/sdk/src/protocols/fleet/schema.ts; the tests validate
 * every builder against that schema (k6 cannot import the SDK itself).
 */
import { round1, type HostModel } from './host.ts';

export type NodeStatus = 'online' | 'busy' | 'maintenance';

/** `heartbeat` payload from the host's current state (call `host.step()` first). */
export function fleetHeartbeat(nodeId: string, status: NodeStatus, host: HostModel) {
  const s = host.state;
  const p = host.profile;
  return {
    nodeId,
    status,
    metrics: {
      cpuTemp: round1(s.cpuTemp),
      cpuUsagePercent: round1(s.cpuPercent),
      gpuTemp: s.gpuTemp.slice(),
      gpuUtilization: s.gpuUtil.slice(),
      gpuMemoryUsedMb: s.gpuMemUsedMb.slice(),
      ramUsageMb: Math.round(s.ramUsedMb),
      ramTotalMb: p.ramTotalMb,
      diskUsageGb: Math.round(s.diskUsedGb),
      diskTotalGb: p.diskTotalGb,
      networkRxMbps: round1(s.rxMbps),
      networkTxMbps: round1(s.txMbps),
    },
  };
}

/** A start_instance command as the control plane sends it (the fields the agent reads). */
export interface StartInstanceLike {
  rentalId: string;
  proxyPortMapping?: Record<string, number>;
}

/** A docker-looking 64-hex container id, deterministic per (node, rental). */
export function containerIdFor(nodeId: string, rentalId: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const s = `${nodeId}/${rentalId}`;
  let out = '';
  for (let round = 0; out.length < 64; round++) {
    for (let i = 0; i < s.length; i++) {
      h1 = Math.imul(h1 ^ s.charCodeAt(i), 16777619) >>> 0;
      h2 = Math.imul(h2 ^ (s.charCodeAt(i) + round), 2246822519) >>> 0;
    }
    out += h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

/**
 * `instance_started` answering a start_instance: port 22 of the mapping becomes
 * the SSH port, every other mapped port goes to `additionalPorts`.
 */
export function fleetInstanceStarted(cmd: StartInstanceLike, nodeId: string, sshHost = 'proxy.fleetwire.test') {
  const mapping = cmd.proxyPortMapping ?? {};
  const additionalPorts: Record<string, number> = {};
  for (const k of Object.keys(mapping)) if (k !== '22') additionalPorts[k] = mapping[k] as number;
  return {
    rentalId: cmd.rentalId,
    containerId: containerIdFor(nodeId, cmd.rentalId),
    connectionInfo: { sshHost, sshPort: mapping['22'] ?? 10022, additionalPorts },
  };
}

/** `instance_stopped` answering a stop_instance (or reporting a failure). */
export function fleetInstanceStopped(
  rentalId: string,
  containerId: string,
  reason: 'requested' | 'error' | 'timeout' = 'requested',
  errorMessage: string | null = null,
) {
  return { rentalId, containerId, reason, errorMessage };
}
