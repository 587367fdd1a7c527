/**
 * Every k6 script, one VU each, against the real mock backend
 * (`startMockBackend({ ephemeral: true })`, what `npm run mock` runs) with the
 * script's DEFAULT credentials: only the addresses are pointed at the ephemeral
 * ports, as a user would with -e BASE_URL (and, for lightd, the admin token the
 * mock prints). The backend is driven meanwhile (commands, jobs, an SDK agent)
 * so every answer path and the control-plane fan-out run on the wire.
 * k6 itself is replaced by ./k6-shim.ts in a worker thread (see ./run-vu.ts).
 */
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { FleetAgent } from '@fleetwire/sdk';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { nodeIdFor } from '../lib/config.ts';
import { fleetHeartbeat } from '../lib/fleet.ts';
import { HostModel } from '../lib/host.ts';
import { cleanup, runVu, type VuResult } from './run-vu.ts';

afterAll(cleanup);

/** A fresh backend on ephemeral ports, closed when the (concurrent) test that made it ends. */
async function mock(t: TestContext): Promise<MockBackend> {
  const b = await startMockBackend({ ephemeral: true });
  t.onTestFinished(() => b.close());
  return b;
}

async function until<T>(what: string, fn: () => T | undefined | false | null, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** ws://host:port of a dialect, the way a user passes BASE_URL. */
const base = (b: MockBackend, d: 'monitor' | 'vstats' | 'lightd' | 'controlPlane') => `ws://127.0.0.1:${b.endpoints[d]!.port}`;

/** Success on every lifecycle step, and the reason when not. */
function allSucceeded(r: VuResult, metric: string) {
  expect(r.error, r.error).toBeUndefined();
  expect(r.count(metric, (v) => v === 0), `failed steps; warnings: ${r.warnings.join(' | ')}`).toBe(0);
  expect(r.count(metric)).toBeGreaterThan(0);
}

// Generous timeouts: eight of these run at once, each with a backend and worker threads, on a shared 2-core box.
describe.concurrent('k6 scripts, one VU each, against the real mock backend', { timeout: 60_000 }, () => {
  it('fleet: dev key, heartbeats acked by id, start/stop/drain answered and acked', async (t) => {
    const b = await mock(t);
    const vu = runVu('fleet', { BASE_URL: b.fleetUrl, DURATION: '3s', START_DELAY: '100ms' });
    const nodeId = nodeIdFor(0);
    await until('the VU node online', () => b.fleet.connectedNodes().includes(nodeId));
    const cmd = { rentalId: 'r-k6', image: 'pytorch/pytorch:2.0.1', resourceLimits: { gpuIndices: ['0'], cpuCores: 4, ramLimit: '16g', diskLimit: '100g' }, proxyPortMapping: { '22': 10022 } };
    expect(await b.fleet.startInstance(nodeId, cmd)).toMatchObject({ sent: true, acked: true });
    await until('the rental running', () => b.state.fleet.node(nodeId).rentals.get('r-k6')?.state === 'running');
    expect(await b.fleet.stopInstance(nodeId, { rentalId: 'r-k6', containerId: '' })).toMatchObject({ acked: true });
    await until('the rental stopped', () => b.state.fleet.node(nodeId).rentals.get('r-k6')?.state === 'stopped');
    expect(await b.fleet.drainNode(nodeId, 'k6 test')).toMatchObject({ acked: true });
    await until('maintenance', () => b.state.fleet.node(nodeId).agentStatus === 'maintenance');
    const r = await vu;
    allSucceeded(r, 'fleet_lifecycle_success');
    expect(r.count('fleet_heartbeat_ack_ms')).toBeGreaterThanOrEqual(8);
    expect(r.count('fleet_connect_ms')).toBe(1);
    expect(r.count('fleet_lifecycle_success', (v, t) => v === 1 && t?.step === 'instance_started')).toBe(1);
    expect(r.count('fleet_lifecycle_success', (v, t) => v === 1 && t?.step === 'instance_stopped')).toBe(1);
    expect(r.count('fleet_commands')).toBe(3);
    expect(r.count('fleet_protocol_errors') + r.count('fleet_acks_lost')).toBe(0);
    expect(b.fleet.counters.protocolErrors).toBe(0);
    expect(b.state.fleet.node(nodeId).heartbeats).toBe(r.count('fleet_heartbeat_ack_ms'));
  });

  it('monitor: dev key auth, metrics accepted, command and docker_command answered', async (t) => {
    const b = await mock(t);
    const vu = runVu('monitor', { BASE_URL: base(b, 'monitor'), DURATION: '3s' });
    const m = b.servers.monitor!;
    const serverId = await until('the VU agent authenticated', () => m.connectedAgents()[0]);
    expect(await m.sendCommand(serverId, 'echo k6')).toMatchObject({ output: 'k6\n', exit_code: 0 });
    expect(await m.sendDockerCommand(serverId, 'restart', 'web-1')).toMatchObject({ success: true });
    const r = await vu;
    allSucceeded(r, 'monitor_lifecycle_success');
    expect(r.count('monitor_auth_ms')).toBe(1);
    expect(r.count('monitor_ping_rtt_ms')).toBeGreaterThanOrEqual(5);
    expect(r.count('monitor_commands')).toBe(2);
    expect(r.count('monitor_protocol_errors')).toBe(0);
    // The dialect has no acks: the backend's own counters say the metrics were valid.
    expect(m.counters.metrics).toBe(r.count('monitor_metrics_sent'));
    expect(m.counters.protocolErrors).toBe(0);
  });

  it('vstats: dev key token, every report and heartbeat accepted', async (t) => {
    const b = await mock(t);
    const r = await runVu('vstats', { BASE_URL: base(b, 'vstats') });
    allSucceeded(r, 'vstats_lifecycle_success');
    const c = b.servers.vstats!.counters;
    expect(r.count('vstats_metrics_sent')).toBeGreaterThanOrEqual(5);
    expect(c.metricsReports).toBe(r.count('vstats_metrics_sent'));
    expect(c.heartbeats).toBe(1);
    expect([c.agentConnections, c.authFailures, c.invalidMessages]).toEqual([1, 0, 0]);
    expect(r.count('vstats_ping_rtt_ms')).toBeGreaterThanOrEqual(5);
    expect(r.count('vstats_protocol_errors')).toBe(0);
  });

  it('lightd: ADMIN_TOKEN mints the token and creates the container, logs and command echoes measured', async (t) => {
    const b = await mock(t);
    // setup() and the container request are synchronous HTTP calls before the session: time for them and a session.
    const r = await runVu('lightd', { BASE_URL: base(b, 'lightd'), ADMIN_URL: b.adminUrl!, ADMIN_TOKEN: b.adminToken, DURATION: '8s' });
    allSucceeded(r, 'lightd_lifecycle_success');
    expect(r.requests.map((q) => [q.method, new URL(q.url).pathname, q.status])).toEqual([
      ['POST', '/api/lightd/tokens', 200],
      ['POST', '/api/lightd/containers', 200],
    ]);
    expect(r.count('lightd_logs_ms')).toBe(1);
    expect(r.count('lightd_command_echo_ms')).toBeGreaterThanOrEqual(5);
    expect(r.count('lightd_protocol_errors')).toBe(0);
    const c = b.state.lightd.containers.get('k6-server-0');
    expect(c?.state).toBe('running'); // AUTO_START started it
    // Every echo measured was a command the container ran (the last few may still be in flight when the session closes).
    expect(c?.commands.filter((x) => x.startsWith('echo k6-0-')).length).toBeGreaterThanOrEqual(r.count('lightd_command_echo_ms'));
    expect(b.servers.lightd!.counters).toMatchObject({ refused: 0, invalidMessages: 0 });
  });

  it('lightd: without credentials, or with a wrong admin token, the run stops with what to set', async (t) => {
    const b = await mock(t);
    const none = await runVu('lightd', { BASE_URL: base(b, 'lightd') });
    expect(none.error).toMatch(/ADMIN_TOKEN=.*KEYS_FILE=.*LIGHTD_TOKEN=/s);
    const wrong = await runVu('lightd', { BASE_URL: base(b, 'lightd'), ADMIN_URL: b.adminUrl!, ADMIN_TOKEN: 'fwadm_wrong-token' });
    expect(wrong.error).toMatch(/HTTP 401 FW_AUTH_REJECTED.*ADMIN_TOKEN is not this backend/);
    expect(b.servers.lightd!.counters.refused).toBe(0); // nothing reached lightd
  });

  it('control-plane: events from a real FleetAgent and a job, fan-out measured from their timestamps', async (t) => {
    const b = await mock(t);
    const vu = runVu('control-plane', { BASE_URL: base(b, 'controlPlane'), DURATION: '8s' });
    await until('the VU subscribed', () => b.servers.controlPlane!.clientCount() === 1);
    const host = new HostModel(3);
    const agent = new FleetAgent({ url: b.fleetUrl, apiKey: 'fleetwire-dev-key', nodeId: 'cp-node-1', metrics: () => (host.step(5), fleetHeartbeat('cp-node-1', 'online', host).metrics), heartbeatIntervalMs: 200 });
    t.onTestFinished(() => agent.close());
    agent.connect();
    b.state.jobs.createJob({ type: 'INSTALL_SERVER', steps: 3, stepMs: 50 });
    await until('the job done', () => [...b.state.jobs.jobs.values()].every((j) => j.status === 'COMPLETED'));
    await until('the agent heartbeating', () => b.state.fleet.node('cp-node-1').heartbeats >= 2);
    agent.close();
    await until('the agent offline', () => b.state.fleet.node('cp-node-1').connection === 'OFFLINE');
    const r = await vu;
    allSucceeded(r, 'control_plane_lifecycle_success');
    const cats = (c: string) => r.count('control_plane_events', (_v, t) => t?.category === c);
    expect(cats('job')).toBe(5); // created, progress ×3, completed
    expect(cats('agent')).toBe(3); // registered, one heartbeat (throttled), offline
    expect(r.count('control_plane_fanout_ms')).toBe(7);
    expect(r.count('control_plane_fanout_ms', (v) => v > 1000)).toBe(0);
    expect(r.count('control_plane_events_untimed', (_v, t) => t?.event === 'agent:offline')).toBe(1);
    expect(r.count('control_plane_protocol_errors')).toBe(0);
  });

  it('three VUs per dialect on the one dev key: distinct nodes and containers, no interference', async (t) => {
    const b = await mock(t);
    const env = { AGENTS: '3', DURATION: '6s' };
    const vus = [1, 2, 3];
    const runs = await Promise.all([
      ...vus.map((vu) => runVu('fleet', { ...env, BASE_URL: b.fleetUrl }, { vu })),
      ...vus.map((vu) => runVu('monitor', { ...env, BASE_URL: base(b, 'monitor') }, { vu })),
      ...vus.map((vu) => runVu('vstats', { ...env, BASE_URL: base(b, 'vstats') }, { vu })),
      ...vus.map((vu) => runVu('lightd', { ...env, BASE_URL: base(b, 'lightd'), ADMIN_URL: b.adminUrl!, ADMIN_TOKEN: b.adminToken, DURATION: '8s' }, { vu })),
    ]);
    const metrics = ['fleet', 'monitor', 'vstats', 'lightd'].flatMap((d) => vus.map(() => `${d}_lifecycle_success`));
    runs.forEach((r, i) => allSucceeded(r, metrics[i]!));
    expect([...b.state.fleet.nodes.keys()].sort()).toEqual([nodeIdFor(0), nodeIdFor(1), nodeIdFor(2)]);
    expect([...b.state.lightd.containers.keys()].sort()).toEqual(['k6-server-0', 'k6-server-1', 'k6-server-2']);
    expect(b.servers.monitor!.counters.protocolErrors + b.servers.vstats!.counters.invalidMessages + b.fleet.counters.protocolErrors).toBe(0);
  });

  it('malformed frames from the mock (fault injection) count as protocol errors in every script', async (t) => {
    const b = await mock(t);
    // Long enough that all five VUs (five worker threads starting on a busy 2-core box) overlap.
    const env = { DURATION: '25s' };
    const runs = {
      fleet: runVu('fleet', { ...env, BASE_URL: b.fleetUrl }),
      monitor: runVu('monitor', { ...env, BASE_URL: base(b, 'monitor') }),
      vstats: runVu('vstats', { ...env, BASE_URL: base(b, 'vstats') }),
      lightd: runVu('lightd', { ...env, BASE_URL: base(b, 'lightd'), ADMIN_URL: b.adminUrl!, ADMIN_TOKEN: b.adminToken }),
      'control-plane': runVu('control-plane', { ...env, BASE_URL: base(b, 'controlPlane') }),
    };
    await until('every VU connected', () => b.fleet.connectedNodes().length === 1 && b.servers.monitor!.connectedAgents().length === 1 && b.servers.vstats!.agentCount() === 1 && b.servers.lightd!.clientCount() === 1 && b.servers.controlPlane!.clientCount() === 1, 24_000);
    expect(b.faults.malformed({ kind: 'invalid-json' }).sent).toBe(5);
    expect(b.faults.malformed({ kind: 'invalid-schema', dialect: 'fleet' }).sent).toBe(1);
    for (const [script, p] of Object.entries(runs)) {
      const r = await p;
      const metric = `${script.replace('-', '_')}_protocol_errors`;
      expect(r.count(metric), `${script}: ${r.warnings.join(' | ')}`).toBe(script === 'fleet' ? 2 : 1);
    }
    const fleetRun = await runs.fleet;
    expect(fleetRun.count('fleet_protocol_errors', (_v, t) => t?.code === 'FW_PROTOCOL_INVALID')).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
