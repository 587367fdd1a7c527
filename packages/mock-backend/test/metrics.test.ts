/** /metrics on the admin port: the counters move when FleetAgent traffic flows. */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { ControlPlaneEvents, LightdConsole, MonitorAgent, VStatsAgent, VStatsDashboard, type Scheduler } from '@fleetwire/sdk';
import { admin, fleetAgent, until } from './admin-helpers.js';
import { sampleReport } from '../../sdk/test/vstats-fixtures.js';

const KEY = 'metrics-key';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One sample's value from the exposition text; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([^{\s]+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('/metrics', () => {
  it('counts connections, messages per type, ack latency, auth failures, protocol errors and nodes by state', async () => {
    const b: MockBackend = await startMockBackend({ ephemeral: true, keys: [KEY] });
    cleanups.push(() => b.close());
    const scrape = async () => {
      const r = await admin(b.adminUrl!, null, 'GET', '/metrics'); // public, like a Prometheus scrape
      expect(r.status).toBe(200);
      return r.json as string;
    };
    const before = await scrape();
    expect(sample(before, 'fleetwire_mock_open_connections', { dialect: 'fleet' })).toBe(0);
    expect(sample(before, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'in', type: 'heartbeat' })).toBe(0);

    const ticks: (() => void)[] = [];
    const scheduler: Scheduler = { every: (_i, fn) => (ticks.push(fn), () => {}) };
    const a = fleetAgent(b.fleetUrl, KEY, 'm-1', { scheduler });
    cleanups.push(() => a.close());
    a.connect();
    await new Promise((r) => a.once('heartbeat_ack', r));
    for (let i = 0; i < 4; i++) {
      const acked = new Promise((r) => a.once('heartbeat_ack', r));
      ticks[0]!();
      await acked;
    }
    const bad = fleetAgent(b.fleetUrl, 'wrong-key', 'intruder');
    cleanups.push(() => bad.close());
    bad.on('error', () => {});
    bad.connect();
    await until(() => b.fleet.counters.authFailures === 1, 'auth failure');
    b.fleet.sendRaw('m-1', 'drain_node', { bogus: true }); // the agent nacks it: out counted
    // The refused agent's transport closes a moment after its auth error.
    const during = (await until(async () => {
      const t = await scrape();
      return sample(t, 'fleetwire_mock_open_connections', { dialect: 'fleet' }) === 1 && t;
    }, 'one open fleet connection')) as string;
    expect(sample(during, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'in', type: 'heartbeat' })).toBe(5);
    expect(sample(during, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'out', type: 'ack:heartbeat' })).toBe(5);
    expect(sample(during, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'out', type: 'drain_node' })).toBe(1);
    expect(sample(during, 'fleetwire_mock_ack_latency_seconds_count', { event: 'heartbeat' })).toBe(5);
    expect(sample(during, 'fleetwire_mock_ack_latency_seconds_sum', { event: 'heartbeat' })).toBeGreaterThan(0);
    expect(sample(during, 'fleetwire_mock_auth_failures_total', { dialect: 'fleet' })).toBe(1);
    expect(sample(during, 'fleetwire_mock_nodes', { state: 'online' })).toBe(1);

    // A protocol error: an event the control plane does not know.
    const sock = (a as unknown as { socket: { emit(e: string, p: unknown): void } }).socket;
    sock.emit('no_such_event', {});
    await until(() => b.fleet.counters.protocolErrors === 1, 'protocol error');
    await a.close();
    await until(() => b.state.fleet.summary().offline === 1, 'offline');
    const after = await scrape();
    expect(sample(after, 'fleetwire_mock_protocol_errors_total', { dialect: 'fleet' })).toBe(1);
    // Counted without a per-socket hook, and under `invalid`: a client cannot invent label values.
    expect(sample(after, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'in', type: 'invalid' })).toBe(1);
    expect(after).not.toContain('no_such_event');
    expect(sample(after, 'fleetwire_mock_nodes', { state: 'online' })).toBe(0);
    expect(sample(after, 'fleetwire_mock_nodes', { state: 'offline' })).toBe(1);
    await until(async () => sample(await scrape(), 'fleetwire_mock_open_connections', { dialect: 'fleet' }) === 0, 'connection gone');
  });

  it('counts messages per type for monitor, lightd, vstats and control-plane, and vstats connections', async () => {
    const b: MockBackend = await startMockBackend({ ephemeral: true, keys: [KEY], heartbeatThrottleMs: 0 });
    cleanups.push(() => b.close());
    const scrape = async () => (await admin(b.adminUrl!, null, 'GET', '/metrics')).json as string;
    const msgs = (t: string, dialect: string, direction: string, type: string) => sample(t, 'fleetwire_mock_messages_total', { dialect, direction, type });
    const backoff = { initialDelayMs: 20, maxDelayMs: 100 };
    const track = <T extends { close(): unknown }>(c: T) => (cleanups.push(() => c.close()), c);

    const cp = track(new ControlPlaneEvents({ url: b.endpoints.controlPlane!.url, backoff }));
    cp.connect();
    const dash = track(new VStatsDashboard({ url: b.endpoints.vstats!.url, backoff }));
    dash.connect();
    await until(() => b.servers.controlPlane!.clientCount() === 1 && b.servers.vstats!.dashboardCount() === 1, 'listeners up');
    const monitor = track(new MonitorAgent({ url: b.endpoints.monitor!.url, apiKey: KEY, metrics: () => ({ cpu_percent: 1, memory_percent: 2, disk_usage: [], network: [] }), backoff }));
    monitor.connect();
    const vs = track(new VStatsAgent({ url: `ws://127.0.0.1:${b.endpoints.vstats!.port}`, token: KEY, metrics: () => sampleReport(), backoff }));
    vs.connect();
    b.state.lightd.createContainer('m-ctr', { state: 'running', stepMs: 5 });
    const con = track(new LightdConsole({ url: b.endpoints.lightd!.url.replace(/\/ws\/.*$/, ''), internalId: 'm-ctr', token: b.state.lightd.createToken().token, backoff }));
    con.connect();
    await until(() => con.containerState === 'running', 'console up');
    await con.requestLogs(2000);
    b.state.jobs.createJob({ steps: 1, stepMs: 1 });

    const t = (await until(async () => {
      const x = await scrape();
      return msgs(x, 'controlPlane', 'out', 'job:completed') === 1 && msgs(x, 'vstats', 'out', 'metrics') >= 1 && msgs(x, 'monitor', 'in', 'metrics') >= 1 && x;
    }, 'traffic of every dialect counted')) as string;
    expect(msgs(t, 'monitor', 'in', 'auth')).toBe(1);
    expect(msgs(t, 'monitor', 'out', 'auth_success')).toBe(1);
    expect(msgs(t, 'lightd', 'out', 'event')).toBeGreaterThanOrEqual(1);
    expect(msgs(t, 'lightd', 'out', 'stats')).toBe(1);
    expect(msgs(t, 'lightd', 'in', 'request_logs')).toBe(1);
    expect(msgs(t, 'lightd', 'out', 'logs')).toBe(1);
    expect(msgs(t, 'vstats', 'in', 'metrics')).toBeGreaterThanOrEqual(1);
    expect(msgs(t, 'vstats', 'out', 'server_added')).toBe(1); // one dashboard, one server
    expect(msgs(t, 'controlPlane', 'out', 'job:created')).toBe(1);
    // vstats sockets are now seen at the backend's HTTP upgrade: one agent + one dashboard.
    expect(sample(t, 'fleetwire_mock_open_connections', { dialect: 'vstats' })).toBe(2);
    expect(sample(t, 'fleetwire_mock_open_connections', { dialect: 'monitor' })).toBe(1);
  });
});
