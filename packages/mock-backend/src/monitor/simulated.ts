/**
 * Simulated command execution for monitor agents (the simulator, tests,
 * examples): canned output for a handful of commands and docker actions
 * against an in-memory set of containers. It NEVER runs a real shell command —
 * a load test must not execute what a control plane sends it.
 */
import type { monitor } from '@fleetwire/sdk';
import { own } from '../own.js';

export type SimContainerStatus = 'running' | 'exited' | 'paused';

export interface SimulatedExecutor {
  /** Plug into `new MonitorAgent({ onCommand })`. */
  onCommand(cmd: monitor.Command): { output: string; exit_code: number };
  /** Plug into `new MonitorAgent({ onDockerCommand })`. */
  onDockerCommand(cmd: monitor.DockerCommand): { success: boolean; message: string };
  /** The simulated containers, id → status. */
  readonly containers: Map<string, SimContainerStatus>;
  /** Commands seen, in order. */
  readonly history: string[];
}

const CANNED: Record<string, string> = {
  'ls -la': 'total 100\ndrwxr-xr-x  5 root root 4096 Jan  1 00:00 .\ndrwxr-xr-x 20 root root 4096 Jan  1 00:00 ..\n-rw-r--r--  1 root root  220 Jan  1 00:00 .profile\n',
  uptime: ' 00:00:00 up 42 days,  3:14,  0 users,  load average: 0.15, 0.10, 0.05\n',
  whoami: 'root\n',
  'df -h': 'Filesystem      Size  Used Avail Use% Mounted on\n/dev/sda1       100G   42G   58G  42% /\n',
};

const DOCKER: Record<string, { to: SimContainerStatus; from: readonly SimContainerStatus[]; message: string }> = {
  start: { to: 'running', from: ['exited'], message: 'Container started' },
  stop: { to: 'exited', from: ['running', 'paused'], message: 'Container stopped' },
  kill: { to: 'exited', from: ['running', 'paused'], message: 'Container killed' },
  restart: { to: 'running', from: ['running', 'exited', 'paused'], message: 'Container restarted' },
  pause: { to: 'paused', from: ['running'], message: 'Container paused' },
  unpause: { to: 'running', from: ['paused'], message: 'Container unpaused' },
};

/**
 * @param containers initial containers (id → status). Default: `web` running, `db` running, `worker` exited.
 * @param hostname what `hostname` prints. Default `sim-host`.
 */
export function simulatedExecutor(containers?: Record<string, SimContainerStatus>, hostname = 'sim-host'): SimulatedExecutor {
  const map = new Map<string, SimContainerStatus>(Object.entries(containers ?? DEFAULT_SIM_CONTAINERS));
  const history: string[] = [];
  return {
    containers: map,
    history,
    onCommand(cmd) {
      const c = cmd.command.trim();
      history.push(c);
      if (c in CANNED) return { output: CANNED[c]!, exit_code: 0 };
      if (c === 'hostname') return { output: `${hostname}\n`, exit_code: 0 };
      if (c === 'echo' || c.startsWith('echo ')) return { output: `${c.slice(5).replace(/^(['"])(.*)\1$/, '$2')}\n`, exit_code: 0 };
      if (c === 'false') return { output: '', exit_code: 1 };
      if (c === 'docker ps') {
        const rows = [...map].map(([id, s]) => `${id}\t${s}`).join('\n');
        return { output: `CONTAINER ID\tSTATUS\n${rows}\n`, exit_code: 0 };
      }
      return { output: `sh: 1: ${c.split(/\s+/)[0] ?? ''}: not found (simulated host)\n`, exit_code: 127 };
    },
    onDockerCommand: (cmd) => applyDockerAction(map, cmd.action, cmd.container_id),
  };
}

/** The containers a simulated host starts with. */
export const DEFAULT_SIM_CONTAINERS: Readonly<Record<string, SimContainerStatus>> = Object.freeze({ web: 'running', db: 'running', worker: 'exited' });

/**
 * One docker action against simulated containers (start/stop/kill/restart/pause/unpause/rm),
 * changing `containers` and answering as `docker_response` would. Shared by the mock
 * backend's executor and the simulator's hosts, so both answer alike.
 */
export function applyDockerAction(containers: Map<string, SimContainerStatus>, action: string, containerId: string): { success: boolean; message: string } {
  const status = containers.get(containerId);
  if (status === undefined) return { success: false, message: `No such container: ${containerId}` };
  if (action === 'remove' || action === 'rm') {
    if (status === 'running') return { success: false, message: 'Cannot remove a running container: stop it first' };
    containers.delete(containerId);
    return { success: true, message: 'Container removed' };
  }
  const t = own(DOCKER, action); // `action` is from the wire: never Object.prototype's members
  if (!t) return { success: false, message: `Unsupported action: ${action}` };
  if (!t.from.includes(status)) return { success: false, message: `Container is ${status}: cannot ${action}` };
  containers.set(containerId, t.to);
  return { success: true, message: t.message };
}

