/**
 * What every package's socket-level tests share: waiting for events instead of
 * sleeping, and fleet messages that pass the schemas. Imported by relative path
 * from each package's test folder (not published).
 */
import type { EventEmitter } from 'eventemitter3';
import type { FleetAgentOptions } from '@fleetwire/sdk';

/** Resolves with the first emission of `event` (its arguments), or rejects after `timeoutMs`. */
export function once<T extends unknown[] = unknown[]>(emitter: EventEmitter<any>, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    const on = (...args: unknown[]) => {
      clearTimeout(t);
      emitter.off(event, on);
      resolve(args as T);
    };
    emitter.on(event, on);
  });
}

/** Polls `predicate` every 10 ms until it returns something truthy (which it resolves with), or rejects after `timeoutMs` naming `what`. */
export async function until<T>(predicate: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Like {@link until} for benches that report instead of throw: true once `cond()` holds, false after `timeoutMs`. Polls every 20 ms. */
export async function pollUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** True while a process with this pid exists (signal 0 tests without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Heartbeat metrics that pass the fleet schema. */
export const sampleMetrics = () => ({
  cpuTemp: 45.5,
  cpuUsagePercent: 35,
  gpuTemp: [60, 58],
  gpuUtilization: [80, 10],
  gpuMemoryUsedMb: [12000, 2000],
  ramUsageMb: 32000,
  ramTotalMb: 65536,
  diskUsageGb: 500,
  diskTotalGb: 2000,
  networkRxMbps: 125.5,
  networkTxMbps: 45.2,
});

/** A start_instance command of fleet.md's example shape. */
export const startCmd = (rentalId: string) => ({
  rentalId,
  image: 'pytorch/pytorch:2.0.1-cuda11.7-cudnn8-runtime',
  resourceLimits: { gpuIndices: ['0'], cpuCores: 4, ramLimit: '16g', diskLimit: '100g' },
  envVars: { JUPYTER_TOKEN: 'xyz123' },
  proxyPortMapping: { '22': 10022, '8888': 10888 },
});

/**
 * FleetAgent options for socket-level tests: node-1, 60 s heartbeats (tests send
 * their own), 20–100 ms backoff, rentals answered at once. `over` wins.
 */
export function testAgentOptions(url: string, apiKey: string, over: Partial<FleetAgentOptions> = {}): FleetAgentOptions {
  return {
    url,
    apiKey,
    nodeId: 'node-1',
    metrics: sampleMetrics,
    heartbeatIntervalMs: 60_000,
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
    onStartInstance: (cmd) => ({ containerId: `ctr-${cmd.rentalId}`, connectionInfo: { sshHost: 'proxy.test', sshPort: cmd.proxyPortMapping['22'] ?? 0 } }),
    onStopInstance: () => ({ reason: 'requested' }),
    ...over,
  };
}
