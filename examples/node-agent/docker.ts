/**
 * Container handlers backed by the docker CLI (opt-in with FLEETWIRE_DOCKER=1).
 * They translate fleet.md's start_instance into `docker run` and stop_instance
 * into `docker stop`; the agent turns their results into lifecycle events.
 */
import { execFile } from 'node:child_process';
import type { fleet, StartResult, StopResult } from '@fleetwire/sdk';

function docker(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`docker ${args[0]} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout.trim());
    });
  });
}

/** `docker run` arguments for a start_instance command (pure, tested). */
export function runArgs(cmd: fleet.StartInstance): string[] {
  const args = ['run', '-d', '--name', `rental-${cmd.rentalId}`, '--label', `fleetwire.rental=${cmd.rentalId}`];
  const { gpuIndices, cpuCores, ramLimit } = cmd.resourceLimits;
  if (gpuIndices.length > 0) args.push('--gpus', `"device=${gpuIndices.join(',')}"`);
  args.push('--cpus', String(cpuCores), '--memory', ramLimit);
  for (const [k, v] of Object.entries(cmd.envVars ?? {})) args.push('-e', `${k}=${v}`);
  for (const [containerPort, hostPort] of Object.entries(cmd.proxyPortMapping)) args.push('-p', `${hostPort}:${containerPort}`);
  args.push(cmd.image);
  return args;
}

/** connectionInfo from the proxy mapping: port 22 is SSH, the rest are additional ports. */
export function connectionInfoFor(cmd: fleet.StartInstance, sshHost: string): fleet.ConnectionInfo {
  const { '22': sshPort, ...rest } = cmd.proxyPortMapping;
  return { sshHost, sshPort: sshPort ?? 0, additionalPorts: rest };
}

export function dockerHandlers(sshHost: string) {
  return {
    async onStartInstance(cmd: fleet.StartInstance): Promise<StartResult> {
      const containerId = await docker(runArgs(cmd), 10 * 60_000); // image pulls can be slow
      return { containerId, connectionInfo: connectionInfoFor(cmd, sshHost) };
    },
    async onStopInstance(cmd: fleet.StopInstance): Promise<StopResult> {
      const t = cmd.timeoutSeconds ?? 30;
      await docker(cmd.graceful === false ? ['kill', cmd.containerId] : ['stop', '-t', String(t), cmd.containerId], (t + 30) * 1000);
      return { reason: 'requested' };
    },
  };
}
