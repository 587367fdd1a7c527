/**
 * Simulated command execution for monitor agents: what a control plane's
 * `command` / `docker_command` gets back from a fake host. Output is made from
 * the host model (uptime and load, GPUs, memory, disk), so it agrees with the
 * metrics the same agent reports. It NEVER runs a real shell command — a load
 * test must not execute what a control plane sends it.
 *
 * The same idea as the mock backend's `simulatedExecutor()`, but fed by the
 * HostModel instead of canned text.
 */
import { applyDockerAction, DEFAULT_SIM_CONTAINERS, type SimContainerStatus } from '@fleetwire/mock-backend';
import type { HostModel } from './host.js';

/** What `onCommand` returns (the SDK measures duration_ms). */
export interface SimCommandResult {
  output: string;
  exit_code: number;
}

/** What `onDockerCommand` returns. */
export interface SimDockerResult {
  success: boolean;
  message: string;
}

type ContainerStatus = SimContainerStatus;

/** The commands with a simulated output (anything else: exit 127, "not found"). */
export const SIMULATED_COMMANDS = ['uptime', 'hostname', 'whoami', 'nvidia-smi', 'free -m', 'df -h', 'docker ps', 'echo …', 'true', 'false'] as const;

const pad = (s: string | number, n: number): string => String(s).padStart(n);

function uptimeText(host: HostModel): string {
  const s = Math.floor(host.uptimeS);
  const days = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const l = host.loadAvg;
  return ` 12:00:00 up ${days} days, ${hh}:${mm},  0 users,  load average: ${(l[0] ?? 0).toFixed(2)}, ${(l[1] ?? 0).toFixed(2)}, ${(l[2] ?? 0).toFixed(2)}\n`;
}

function nvidiaSmiText(host: HostModel): string {
  const s = host.spec;
  if (s.gpuCount === 0) return 'No devices were found\n';
  const rows = ['index, name, temperature.gpu, utilization.gpu [%], memory.used [MiB], memory.total [MiB]'];
  for (let i = 0; i < s.gpuCount; i++) {
    rows.push(`${i}, ${s.gpuModel}, ${Math.round(host.gpuTemp[i] ?? 0)}, ${Math.round(host.gpuUtil[i] ?? 0)} %, ${Math.round(host.gpuMemUsedMb[i] ?? 0)} MiB, ${s.gpuMemoryTotalMb} MiB`);
  }
  return `${rows.join('\n')}\n`;
}

function freeText(host: HostModel): string {
  const total = host.spec.ramTotalMb;
  const used = Math.round(host.ramUsedMb);
  return `               total        used        free\nMem:    ${pad(total, 12)}${pad(used, 12)}${pad(total - used, 12)}\nSwap:   ${pad(0, 12)}${pad(0, 12)}${pad(0, 12)}\n`;
}

function dfText(host: HostModel): string {
  const total = host.spec.diskTotalGb;
  const used = Math.round(host.diskUsedGb);
  const pct = Math.round((host.diskUsedGb / total) * 100);
  return `Filesystem      Size  Used Avail Use% Mounted on\n/dev/nvme0n1p1  ${total}G  ${used}G  ${total - used}G  ${pct}% /\n`;
}


/** A fake shell and docker daemon for one host. Containers are created lazily (most agents never get a docker command). */
export class SimulatedShell {
  private containers: Map<string, ContainerStatus> | null = null;

  constructor(private readonly host: HostModel) {}

  /** The answer to a monitor `command`. */
  run(command: string): SimCommandResult {
    const c = command.trim();
    const h = this.host;
    switch (c) {
      case 'uptime':
        return { output: uptimeText(h), exit_code: 0 };
      case 'hostname':
        return { output: `${h.spec.hostname}\n`, exit_code: 0 };
      case 'whoami':
        return { output: 'root\n', exit_code: 0 };
      case 'nvidia-smi':
      case 'nvidia-smi --query-gpu=index,name,temperature.gpu,utilization.gpu,memory.used,memory.total --format=csv':
        return { output: nvidiaSmiText(h), exit_code: h.spec.gpuCount === 0 ? 6 : 0 };
      case 'free -m':
        return { output: freeText(h), exit_code: 0 };
      case 'df -h':
        return { output: dfText(h), exit_code: 0 };
      case 'docker ps':
        return { output: `CONTAINER ID\tSTATUS\n${[...this.docker()].map(([id, s]) => `${id}\t${s}`).join('\n')}\n`, exit_code: 0 };
      case 'true':
        return { output: '', exit_code: 0 };
      case 'false':
        return { output: '', exit_code: 1 };
    }
    if (c === 'echo' || c.startsWith('echo ')) return { output: `${c.slice(5).replace(/^(['"])(.*)\1$/, '$2')}\n`, exit_code: 0 };
    return { output: `sh: 1: ${c.split(/\s+/)[0] ?? ''}: not found (simulated host: nothing is executed)\n`, exit_code: 127 };
  }

  /** The answer to a monitor `docker_command` against the simulated containers. */
  docker(): Map<string, ContainerStatus>;
  docker(action: string, containerId: string): SimDockerResult;
  docker(action?: string, containerId?: string): Map<string, ContainerStatus> | SimDockerResult {
    const map = (this.containers ??= new Map<string, ContainerStatus>(Object.entries(DEFAULT_SIM_CONTAINERS)));
    if (action === undefined || containerId === undefined) return map;
    return applyDockerAction(map, action, containerId);
  }
}
