/**
 * Every example program of examples/sdk runs here, as written, against the
 * real mock backend on ephemeral ports: one per dialect. If an SDK change
 * breaks what the README and the examples tell a user to write, this fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { startFleetAgent } from './fleet.js';
import { runMonitorExample } from './monitor.js';
import { runLightdExample } from './lightd.js';
import { runVStatsExample } from './vstats.js';
import { runControlPlaneExample } from './control-plane.js';
import { until } from '../../test-support/index.js';

let backend: MockBackend;
const quiet = () => {};
/** The base URL a user gives the SDK: scheme, host and port (each client appends its dialect's path). */
const base = (dialect: 'monitor' | 'lightd' | 'vstats' | 'controlPlane') => `ws://127.0.0.1:${backend.endpoints[dialect]!.port}`;

beforeAll(async () => {
  backend = await startMockBackend({ ephemeral: true, ports: { admin: false } });
});
afterAll(() => backend?.close());

describe('examples/sdk, one program per dialect, against the mock backend', () => {
  it('fleet.ts: connects, gets a rental started with connectionInfo derived from the command, stops it', async () => {
    const agent = await startFleetAgent({ url: backend.fleetUrl, nodeId: 'gpu-ex', apiKey: () => 'dev-gpu-ex', sshHost: 'proxy.example.com', log: quiet });
    try {
      expect(agent.state).toBe('connected');
      const cmd = { rentalId: 'r-ex-1', image: 'img', resourceLimits: { gpuIndices: ['0'], cpuCores: 1, ramLimit: '1g', diskLimit: '1g' }, proxyPortMapping: { '22': 10022, '8888': 10888 } };
      await backend.fleet.startInstance('gpu-ex', cmd);
      await until(() => backend.state.fleet.node('gpu-ex').rentals.get('r-ex-1')?.state === 'running', 'rental running in the control plane');
      expect(agent.instances.get('r-ex-1')?.connectionInfo).toEqual({ sshHost: 'proxy.example.com', sshPort: 10022, additionalPorts: { '8888': 10888 } });
      await backend.fleet.stopInstance('gpu-ex', { rentalId: 'r-ex-1', containerId: agent.instances.get('r-ex-1')!.containerId });
      await until(() => agent.instances.size === 0 && agent.pendingEvents.length === 0, 'stopped and acknowledged');
    } finally {
      agent.close();
    }
  });

  it('monitor.ts: the agent authenticates, the dashboard stream is accepted and sees its metrics', async () => {
    const got = await runMonitorExample({
      url: base('monitor'),
      apiKey: 'dev-srv-ex',
      token: () => backend.mintMonitorToken('example-user'),
      metricsIntervalMs: 100,
      samples: 2,
      log: quiet,
    });
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ cpu_percent: 45.2, memory_percent: 62.5 });
  });

  it('lightd.ts: console opens with a single-use token from a provider, starts the container, runs a command, fetches logs', async () => {
    backend.state.lightd.createContainer('ex-001');
    const got = await runLightdExample({
      url: base('lightd'),
      internalId: 'ex-001',
      token: () => backend.state.lightd.createToken({ internalId: 'ex-001', singleUse: true }).token,
      log: quiet,
    });
    expect(got.states).toContain('running');
    expect(got.console.join('')).toContain('say hello');
    expect(typeof got.logs).toBe('string');
  });

  it('vstats.ts: the dashboard lists the agent and its metrics', async () => {
    const s = await runVStatsExample({ url: base('vstats'), token: 'fleetwire-dev-key', name: 'ex-host', metricsIntervalMs: 100, log: quiet });
    expect(s).toMatchObject({ name: 'ex-host', online: true });
    expect(s.lastMetrics).not.toBeNull();
  });

  it('control-plane.ts: follows a job from job:created to job:completed', async () => {
    const seen = await runControlPlaneExample({
      url: base('controlPlane'),
      log: quiet,
      onReady: () => void backend.state.jobs.createJob({ steps: 2, stepMs: 20 }),
    });
    expect(seen[0]).toBe('job:created');
    expect(seen.filter((e) => e === 'job:progress')).toHaveLength(2);
    expect(seen.at(-1)).toBe('job:completed');
  });
});
