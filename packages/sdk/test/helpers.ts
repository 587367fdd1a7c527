/** Test helpers: wait for events instead of sleeping. */
import type { EventEmitter } from 'eventemitter3';

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

/** Polls `predicate` every 10 ms until it is truthy, or rejects after `timeoutMs` with `what`. */
export async function until(predicate: () => unknown, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Metrics that pass the fleet schema. */
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

export const startCmd = (rentalId: string) => ({
  rentalId,
  image: 'pytorch/pytorch:2.0.1-cuda11.7-cudnn8-runtime',
  resourceLimits: { gpuIndices: ['0'], cpuCores: 4, ramLimit: '16g', diskLimit: '100g' },
  envVars: { JUPYTER_TOKEN: 'xyz123' },
  proxyPortMapping: { '22': 10022, '8888': 10888 },
});
