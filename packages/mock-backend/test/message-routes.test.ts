/**
 * Every message the mock sends can be triggered from the admin API, and a real
 * client receives it: monitor log/alert/metrics/raw, vstats server_added/status/
 * metrics/server_removed, lightd console/daemon_message/stats/event/power,
 * control-plane instance:updated/instance:deleted/system:error (any event),
 * fleet raw events. Plus the configuration flags' options: a required
 * control-plane token, the vstats ping interval, lightd stats that change by themselves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { admin, fleetAgent, until } from './admin-helpers.js';

const TOKEN = 'message-routes-token';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function backend(over: Parameters<typeof startMockBackend>[0] = {}): Promise<MockBackend> {
  const b = await startMockBackend({ ephemeral: true, adminToken: TOKEN, ...over });
  cleanups.push(() => b.close());
  return b;
}
const api = (b: MockBackend, method: string, path: string, body?: unknown) => admin(b.adminUrl!, TOKEN, method, path, body);

/** A raw WebSocket client that keeps every JSON frame. */
async function client(url: string): Promise<{ ws: WebSocket; got: any[] }> {
  const ws = new WebSocket(url);
  cleanups.push(() => ws.terminate());
  const got: any[] = [];
  ws.on('message', (d) => {
    try {
      got.push(JSON.parse(String(d)));
    } catch {
      got.push(String(d));
    }
  });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  return { ws, got };
}
const seen = (got: any[], pred: (m: any) => boolean, what: string) => until(() => got.find(pred), what, 10_000);

const metricsReport = {
  timestamp: new Date().toISOString(),
  hostname: 'h1',
  os: { name: 'Debian', version: '12', kernel: '6.1', arch: 'x86_64' },
  cpu: { brand: 'EPYC', cores: 2, usage: 12.5, frequency: 2000, per_core: [10, 15] },
  memory: { total: 8, used: 2, available: 6, swap_total: 0, swap_used: 0, usage_percent: 25 },
  disks: [],
  network: { interfaces: [], total_rx: 1, total_tx: 2 },
  uptime: 10,
  load_average: { one: 0.1, five: 0.1, fifteen: 0.1 },
};

describe('admin routes for every message', { timeout: 60_000 }, () => {
  it('monitor: log, alert and metrics reach dashboards; raw frames reach the agent', async () => {
    const b = await backend();
    const agent = await client(b.endpoints.monitor!.url);
    agent.ws.send(JSON.stringify({ type: 'auth', api_key: 'dev-srv-1' }));
    await seen(agent.got, (m) => m.type === 'auth_success', 'agent auth');
    const token = await b.mintMonitorToken('alice');
    const port = b.endpoints.monitor!.port;
    const logs = await client(`ws://127.0.0.1:${port}/api/v1/ws/logs/srv-1`);
    const mets = await client(`ws://127.0.0.1:${port}/api/v1/ws/metrics/srv-1`);
    for (const c of [logs, mets]) c.ws.send(JSON.stringify({ type: 'auth', token }));
    await until(async () => (await api(b, 'POST', '/api/monitor/servers/srv-1/log', { message: 'hello', level: 'WARN' })).json.recipients >= 1, 'log stream subscribed');
    await seen(logs.got, (m) => m.type === 'log' && m.data.message === 'hello', 'log');
    expect((await api(b, 'POST', '/api/monitor/servers/srv-1/alert', { message: 'disk full' })).status).toBe(200);
    await seen(mets.got, (m) => m.type === 'alert' && m.data.message === 'disk full', 'alert on metrics stream');
    await seen(logs.got, (m) => m.type === 'alert' && m.data.message === 'disk full', 'alert on log stream');
    await api(b, 'POST', '/api/monitor/servers/srv-1/metrics', { cpu_percent: 12 });
    await seen(mets.got, (m) => m.type === 'metrics' && m.data.cpu_percent === 12 && m.data.server_id === 'srv-1', 'metrics');
    await api(b, 'POST', '/api/monitor/servers/srv-1/raw', { data: '{"type":"error","message":"from the admin API"}' });
    await seen(agent.got, (m) => m.type === 'error' && m.message === 'from the admin API', 'raw error frame');
    expect((await api(b, 'POST', '/api/monitor/servers/nobody/raw', { data: 'x' })).status).toBe(409);
  });

  it('vstats: server_added, status, metrics, server_removed reach dashboards', async () => {
    const b = await backend();
    const dash = await client(b.endpoints.vstats!.url);
    expect((await api(b, 'POST', '/api/vstats/servers', { id: 'srv-9', name: 'nine' })).status).toBe(200);
    await seen(dash.got, (m) => m.type === 'server_added' && m.data.id === 'srv-9', 'server_added');
    await api(b, 'POST', '/api/vstats/servers/srv-9/status', { online: true });
    await seen(dash.got, (m) => m.type === 'status' && m.data.server_id === 'srv-9' && m.data.online === true, 'status');
    await api(b, 'POST', '/api/vstats/servers/srv-9/metrics', metricsReport);
    await seen(dash.got, (m) => m.type === 'metrics' && JSON.stringify(m).includes('"usage":12.5'), 'metrics');
    expect((await api(b, 'POST', '/api/vstats/servers/srv-9/metrics', { hostname: 1 })).status).toBe(400);
    expect((await api(b, 'DELETE', '/api/vstats/servers/srv-9')).status).toBe(200);
    await seen(dash.got, (m) => m.type === 'server_removed' && m.data.id === 'srv-9', 'server_removed');
    expect((await api(b, 'DELETE', '/api/vstats/servers/srv-9')).status).toBe(404);
  });

  it('lightd: console, daemon_message, stats, event and a power sequence reach a console client', async () => {
    const b = await backend();
    await api(b, 'POST', '/api/lightd/containers', { internalId: 'c1' });
    const { token } = (await api(b, 'POST', '/api/lightd/tokens', { internalId: 'c1' })).json;
    const con = await client(`ws://127.0.0.1:${b.endpoints.lightd!.port}/ws/c1?token=${token}`);
    await api(b, 'POST', '/api/lightd/containers/c1/console', { data: 'line one' });
    await seen(con.got, (m) => m.event === 'console' && JSON.stringify(m).includes('line one'), 'console');
    await api(b, 'POST', '/api/lightd/containers/c1/daemon', { message: 'daemon says hi' });
    await seen(con.got, (m) => m.event === 'daemon_message' && JSON.stringify(m).includes('daemon says hi'), 'daemon_message');
    await api(b, 'POST', '/api/lightd/containers/c1/stats', { cpu_usage: 55.5 });
    await seen(con.got, (m) => m.event === 'stats' && m.cpu_usage === 55.5, 'stats');
    await api(b, 'POST', '/api/lightd/containers/c1/state', { state: 'running' });
    await seen(con.got, (m) => m.event === 'event' && JSON.stringify(m).includes('running'), 'event');
    await api(b, 'POST', '/api/lightd/containers/c1/power', { action: 'stop' });
    await seen(con.got, (m) => m.event === 'event' && JSON.stringify(m).includes('stopping'), 'power stop sequence');
    expect((await api(b, 'POST', '/api/lightd/containers/c1/state', { state: 'flying' })).status).toBe(400);
    expect((await api(b, 'POST', '/api/lightd/containers/ghost/console', { data: 'x' })).status).toBe(404);
  });

  it('control-plane: instance:updated, instance:deleted and system:error (any documented event) reach /ws clients; bad ones are 400', async () => {
    const b = await backend();
    const s = await client(b.endpoints.controlPlane!.url);
    const at = new Date().toISOString();
    for (const [event, data] of [
      ['instance:updated', { instanceId: 'i-1', changes: { image: 'x' }, updatedAt: at }],
      ['instance:deleted', { instanceId: 'i-1', deletedAt: at }],
      ['system:error', { code: 'DISK_FULL', message: 'disk full', timestamp: at }],
    ] as const) {
      expect((await api(b, 'POST', '/api/control-plane/events', { event, data })).status).toBe(200);
      await seen(s.got, (m) => m.event === event, event);
    }
    expect((await api(b, 'POST', '/api/control-plane/events', { event: 'instance:deleted', data: {} })).status).toBe(400);
    expect((await api(b, 'POST', '/api/control-plane/events', { event: 'nope:nope', data: {} })).status).toBe(400);
  });

  it('fleet: any raw event reaches the agent', async () => {
    const b = await backend();
    const a = fleetAgent(b.fleetUrl, 'dev-node-1', 'node-1');
    cleanups.push(() => a.close());
    const errors: string[] = [];
    a.on('error', (e) => errors.push(e.code));
    a.connect();
    await until(() => a.state === 'connected', 'agent connected');
    expect((await api(b, 'POST', '/api/nodes/node-1/send', { event: 'start_instance', payload: { rentalId: 5 } })).json.sent).toBe(true);
    await until(() => errors.length > 0, 'the agent reports the bad command');
  });

  it('configuration: a required control-plane token, the vstats ping interval, lightd stats that change by themselves', async () => {
    const b = await backend({ controlPlaneTokens: ['cp-secret'], vstatsPingIntervalMs: 100, lightdStatsIntervalMs: 50 });
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(b.endpoints.controlPlane!.url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(401);
    await client(`${b.endpoints.controlPlane!.url}?token=cp-secret`);

    const dash = await client(b.endpoints.vstats!.url);
    let pings = 0;
    dash.ws.on('ping', () => pings++);
    await until(() => pings >= 2, 'two vstats pings at a 100 ms interval', 10_000);

    await api(b, 'POST', '/api/lightd/containers', { internalId: 'c2' });
    await api(b, 'POST', '/api/lightd/containers/c2/state', { state: 'running' });
    const { token } = (await api(b, 'POST', '/api/lightd/tokens', { internalId: 'c2' })).json;
    const con = await client(`ws://127.0.0.1:${b.endpoints.lightd!.port}/ws/c2?token=${token}`);
    await until(() => con.got.filter((m) => m.event === 'stats').length >= 3, 'stats that change by themselves', 10_000);
  });
});
