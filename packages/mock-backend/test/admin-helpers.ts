/** Shared by the mock-backend's own socket-level tests: waiting, agents, admin calls. */
import { FleetAgent, type FleetAgentOptions } from '@fleetwire/sdk';

/** Polls `predicate` every 10 ms until truthy, or rejects after `timeoutMs` naming `what`. */
export async function until<T>(predicate: () => T | Promise<T>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sampleMetrics = () => ({
  cpuTemp: 45.5,
  cpuUsagePercent: 35,
  gpuTemp: [60],
  gpuUtilization: [80],
  gpuMemoryUsedMb: [12000],
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
  envVars: {},
  proxyPortMapping: { '22': 10022 },
});

/** A FleetAgent with quick reconnects and a long heartbeat period (tests drive heartbeats). */
export function fleetAgent(url: string, apiKey: string, nodeId = 'node-1', over: Partial<FleetAgentOptions> = {}): FleetAgent {
  return new FleetAgent({
    url,
    apiKey,
    nodeId,
    metrics: sampleMetrics,
    heartbeatIntervalMs: 60_000,
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
    onStartInstance: (cmd) => ({ containerId: `ctr-${cmd.rentalId}`, connectionInfo: { sshHost: 'proxy.test', sshPort: 10022 } }),
    onStopInstance: () => ({ reason: 'requested' }),
    ...over,
  });
}

/** Calls the admin API; returns status and parsed JSON. */
export async function admin(base: string, token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: keep text */
  }
  return { status: res.status, json };
}
