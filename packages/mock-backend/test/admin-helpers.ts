/** Shared by the mock-backend's own socket-level tests: waiting, agents, admin calls. */
import { FleetAgent, type FleetAgentOptions } from '@fleetwire/sdk';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { sampleMetrics } from '../../../test-support/index.js';

export { until, sampleMetrics, startCmd } from '../../../test-support/index.js';

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

/**
 * A backend on ephemeral ports accepting `key`, with admin token `token`, closed
 * by `cleanups`; plus `api(b, method, path, body)` calling its admin API.
 */
export function adminFixture(key: string, token: string, cleanups: (() => unknown)[]) {
  return {
    async backend(): Promise<MockBackend> {
      const b = await startMockBackend({ ephemeral: true, keys: [key], adminToken: token });
      cleanups.push(() => b.close());
      return b;
    },
    api: (b: MockBackend, method: string, path: string, body?: unknown) => admin(b.adminUrl!, token, method, path, body),
  };
}
