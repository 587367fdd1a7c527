/**
 * Message builders for the `monitor` dialect (docs/protocols/monitor.md):
 * the server agent's auth, metrics every 5 s, and its answers to `command` and
 * `docker_command`. Item shapes follow docs/protocols/README.md decisions.
 */
import { round1, type HostModel } from './host.ts';

export function monitorAuth(apiKey: string) {
  return { type: 'auth' as const, api_key: apiKey };
}

/** `metrics` from the host's current state; `now` is the timestamp (ISO 8601). */
export function monitorMetrics(serverId: string, host: HostModel, now: Date = new Date()) {
  const s = host.state;
  const p = host.profile;
  const diskTotal = p.diskTotalGb * 1e9;
  const diskUsed = Math.round(s.diskUsedGb * 1e9);
  return {
    type: 'metrics' as const,
    server_id: serverId,
    cpu_percent: round1(s.cpuPercent),
    memory_percent: round1((s.ramUsedMb / p.ramTotalMb) * 100),
    disk_usage: [{ mount: '/', total_bytes: diskTotal, used_bytes: diskUsed, percent: round1((diskUsed / diskTotal) * 100) }],
    network: [{ interface: 'eth0', rx_bytes: s.rxBytes, tx_bytes: s.txBytes }],
    timestamp: now.toISOString(),
  };
}

/** A plausible shell answer, so command round trips carry realistic bytes. */
export function monitorCommandResponse(commandId: string, command: string, durationMs = 12) {
  const trimmed = command.trim();
  let output: string;
  let exit = 0;
  if (trimmed.startsWith('echo ')) output = `${trimmed.slice(5)}\n`;
  else if (trimmed === 'uptime') output = ' 12:00:00 up 10 days,  3:12,  0 users,  load average: 0.52, 0.58, 0.59\n';
  else if (trimmed.startsWith('ls')) output = 'total 8\ndrwxr-xr-x 2 root root 4096 Jan  1 00:00 data\n';
  else {
    output = `sh: ${trimmed.split(' ')[0] ?? ''}: simulated by fleetwire k6\n`;
    exit = 127;
  }
  return { type: 'command_response' as const, command_id: commandId, output, exit_code: exit, duration_ms: durationMs };
}

const dockerVerbs: Record<string, string> = { start: 'started', stop: 'stopped', restart: 'restarted', kill: 'killed', remove: 'removed', pause: 'paused', unpause: 'unpaused' };

export function monitorDockerResponse(commandId: string, action: string, containerId: string) {
  // `action` is from the wire: an own-property lookup, so `constructor` or `toString` is an unknown action.
  const verb = typeof action === 'string' && Object.prototype.hasOwnProperty.call(dockerVerbs, action) ? dockerVerbs[action] : undefined;
  return verb
    ? { type: 'docker_response' as const, command_id: commandId, success: true, message: `Container ${verb}` }
    : { type: 'docker_response' as const, command_id: commandId, success: false, message: `Unknown action: ${action} (${containerId})` };
}

/** Messages the monitor control plane sends to an agent. */
export type MonitorServerMessage =
  | { type: 'auth_success'; server_id: string; message?: string }
  | { type: 'command'; command_id: string; command: string }
  | { type: 'docker_command'; command_id: string; action: string; container_id: string }
  | { type: 'error'; message: string };

/** Parses and checks one frame from the monitor control plane; an error string otherwise. */
export function readMonitorMessage(frame: unknown): { ok: true; msg: MonitorServerMessage } | { ok: false; error: string } {
  if (typeof frame !== 'string') return { ok: false, error: 'binary frame' };
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(frame) as Record<string, unknown>;
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (!m || typeof m !== 'object') return { ok: false, error: 'not an object' };
  const str = (k: string) => typeof m[k] === 'string';
  switch (m.type) {
    case 'auth_success':
      return str('server_id') ? { ok: true, msg: m as MonitorServerMessage } : { ok: false, error: 'auth_success without server_id' };
    case 'command':
      return str('command_id') && str('command') ? { ok: true, msg: m as MonitorServerMessage } : { ok: false, error: 'command without command_id/command' };
    case 'docker_command':
      return str('command_id') && str('action') && str('container_id')
        ? { ok: true, msg: m as MonitorServerMessage }
        : { ok: false, error: 'docker_command without command_id/action/container_id' };
    case 'error':
      return { ok: true, msg: { type: 'error', message: str('message') ? (m.message as string) : 'unspecified error' } };
    default:
      return { ok: false, error: `unknown type ${String(m.type)}` };
  }
}
