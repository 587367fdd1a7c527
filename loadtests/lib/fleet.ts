/**
 * Message builders for the `fleet` dialect (docs/protocols/fleet.md): what a
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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with a command from the control plane, in the SDK's words
 * (`/field: …`): an empty list when the agent can act on it, null for an
 * event fleet.md does not define. A hand-written mirror of the SDK's
 * start_instance / stop_instance / drain_node schemas (k6 cannot load
 * TypeBox); fleet.test.ts checks that both agree.
 */
export function fleetCommandProblems(name: string, payload: unknown): string[] | null {
  if (name !== 'start_instance' && name !== 'stop_instance' && name !== 'drain_node') return null;
  if (!isObj(payload)) return ['/: must be an object'];
  const out: string[] = [];
  const str = (o: Obj, k: string, path: string, nonEmpty = false) => {
    if (typeof o[k] !== 'string' || (nonEmpty && o[k] === '')) out.push(`${path}/${k}: must be a ${nonEmpty ? 'non-empty ' : ''}string`);
  };
  if (name === 'start_instance') {
    str(payload, 'rentalId', '', true);
    str(payload, 'image', '', true);
    const rl = payload.resourceLimits;
    if (!isObj(rl)) out.push('/resourceLimits: must be an object');
    else {
      if (!Array.isArray(rl.gpuIndices) || !rl.gpuIndices.every((g) => typeof g === 'string')) out.push('/resourceLimits/gpuIndices: must be an array of strings');
      if (typeof rl.cpuCores !== 'number') out.push('/resourceLimits/cpuCores: must be a number');
      str(rl, 'ramLimit', '/resourceLimits');
      str(rl, 'diskLimit', '/resourceLimits');
    }
    const pm = payload.proxyPortMapping;
    if (!isObj(pm) || !Object.values(pm).every((p) => Number.isInteger(p))) out.push('/proxyPortMapping: must be an object of integer ports');
    const env = payload.envVars;
    if (env !== undefined && (!isObj(env) || !Object.values(env).every((v) => typeof v === 'string'))) out.push('/envVars: must be an object of strings');
  } else if (name === 'stop_instance') {
    str(payload, 'rentalId', '', true);
    str(payload, 'containerId', '');
  } else {
    str(payload, 'nodeId', '');
  }
  return out;
}
