/**
 * The msw handlers (@fleetwire/mock-backend/msw) with the SDK's own clients, in
 * process: no socket is opened. Node 20 has no global WebSocket, so
 * createMswHandlers installs `ws`'s class first; msw's interceptor then patches
 * it and the SDK (which reads globalThis.WebSocket at connect time) is served by msw.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { ErrorCodes, LightdConsole, MonitorAgent, VStatsAgent, VStatsDashboard, ControlPlaneEvents, type FleetwireError, type lightd } from '@fleetwire/sdk';
import { createMswHandlers, REFUSED_CLOSE_CODE } from '@fleetwire/mock-backend/msw';
import { simulatedExecutor } from '../src/monitor/simulated.js';
import { serverIdForToken } from '../src/state/vstats.js';
import { until } from './admin-helpers.js';
import { sampleReport } from '../../sdk/test/vstats-fixtures.js';

const KEY = 'msw-key';
const counted: string[] = [];
const mock = createMswHandlers({ keys: [KEY], heartbeatThrottleMs: 0, onMessage: (d, dir, type, n) => counted.push(`${d}|${dir}|${type}|${n}`) });
const server = setupServer(...mock.handlers);
const cleanups: (() => unknown)[] = [];
const backoff = { initialDelayMs: 20, maxDelayMs: 100 };

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => {
  mock.close();
  server.close();
});
function track<T extends { close(): unknown }>(c: T): T {
  cleanups.push(() => c.close());
  return c;
}

describe('msw handlers: the SDK in process', () => {
  it('the global WebSocket is msw\'s, and the SDK never opens a real socket', () => {
    // Installed by createMswHandlers on Node 20 (no global WebSocket), then patched by server.listen().
    expect(mock.installedGlobalWebSocket).toBe(typeof process.versions.node === 'string' && Number(process.versions.node.split('.')[0]) < 22);
    expect(globalThis.WebSocket).toBeDefined();
    expect(mock.urls).toEqual({ monitor: 'ws://127.0.0.1:8000', lightd: 'ws://127.0.0.1:8070', vstats: 'ws://127.0.0.1:3001', controlPlane: 'ws://127.0.0.1:3000' });
  });

  it('monitor: MonitorAgent auth + metrics into the shared state, and a command round-trip', async () => {
    const exec = simulatedExecutor();
    const a = track(new MonitorAgent({ url: mock.urls.monitor, apiKey: KEY, metrics: () => ({ cpu_percent: 12, memory_percent: 34, disk_usage: [], network: [] }), onCommand: exec.onCommand, backoff }));
    await a.connect();
    const serverId = a.serverId!;
    expect(serverId).toBe(mock.state.monitor.serverIdForKey(KEY));
    await until(() => mock.state.monitor.server(serverId).metricsCount >= 1, 'metrics in the state');
    expect(mock.state.monitor.server(serverId).lastMetrics).toMatchObject({ cpu_percent: 12, memory_percent: 34 });
    const r = await mock.monitor.sendCommand(serverId, 'uptime', { timeoutMs: 2000 });
    expect(r).toMatchObject({ type: 'command_response', exit_code: 0 });
    expect(r.output).toContain('load average');
    expect(exec.history).toEqual(['uptime']);
    expect(counted).toContain('monitor|in|auth|1');
    expect(counted).toContain('monitor|out|command|1');
  });

  it('monitor: a bad API key is the document\'s error reply and a terminal FW_AUTH_REJECTED', async () => {
    const a = track(new MonitorAgent({ url: mock.urls.monitor, apiKey: 'nope', metrics: () => ({ cpu_percent: 1, memory_percent: 1, disk_usage: [], network: [] }), backoff }));
    const err = new Promise<FleetwireError>((r) => a.once('error', r));
    a.connect();
    const e = await err;
    expect(e.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(e.message).toContain('Invalid or inactive API key');
    await until(() => a.state === 'closed', 'closed, no retry');
  });

  it('lightd: console output, stats on change, requestLogs; a bad token is a 1008 close the SDK reports as FW_AUTH_REJECTED', async () => {
    const ctr = mock.state.lightd.createContainer('srv-msw', { state: 'running', stepMs: 5 });
    const c = track(new LightdConsole({ url: mock.urls.lightd, internalId: 'srv-msw', token: mock.state.lightd.createToken({ internalId: 'srv-msw' }).token, backoff }));
    const out: string[] = [];
    const stats: lightd.StatsFields[] = [];
    c.on('console', (d) => out.push(d));
    c.on('stats', (s) => stats.push(s));
    c.connect();
    await until(() => c.containerState === 'running' && stats.length === 1, 'state and stats on connect');
    ctr.console('hello from msw');
    ctr.setStats({ cpu_usage: 42 });
    ctr.setStats({ cpu_usage: 42 }); // unchanged: not sent again
    await until(() => out.includes('hello from msw') && stats.length === 2, 'console + changed stats');
    expect(stats[1]!.cpu_usage).toBe(42);
    expect(await c.requestLogs(2000)).toContain('hello from msw');
    expect(mock.lightd.clientCount('srv-msw')).toBe(1);

    const bad = track(new LightdConsole({ url: mock.urls.lightd, internalId: 'srv-msw', token: 'lightd_nope', backoff }));
    const err = new Promise<FleetwireError>((r) => bad.once('error', r));
    bad.connect();
    const e = await err;
    expect(e.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect((e.context as { code?: number }).code).toBe(REFUSED_CLOSE_CODE);
    expect(mock.lightd.counters.refused).toBe(1);
    await c.close();
    await until(() => mock.lightd.clientCount('srv-msw') === 0, 'client gone');
  });

  it('vstats: VStatsAgent metrics fan out to two VStatsDashboards; the agent disconnecting turns the server offline', async () => {
    const seen: string[][] = [[], []];
    const dashes = [0, 1].map((i) => {
      const d = track(new VStatsDashboard({ url: mock.urls.vstats, backoff }));
      d.on('server_added', (s) => seen[i]!.push(`added:${s.name}`));
      d.on('status', (s) => seen[i]!.push(`status:${s.online}`));
      d.on('metrics', (m) => seen[i]!.push(`metrics:${m.metrics.cpu.usage}`));
      d.connect();
      return d;
    });
    await until(() => mock.vstats.dashboardCount() === 2, 'two dashboards');
    const a = new VStatsAgent({ url: mock.urls.vstats, token: KEY, name: 'gpu-msw', metrics: () => sampleReport(), backoff });
    a.connect();
    await until(() => seen.every((s) => s.includes('metrics:45.2')), 'metrics on both dashboards');
    await a.close();
    await until(() => seen.every((s) => s.includes('status:false')), 'offline on both');
    for (const s of seen) expect(s).toEqual(['added:gpu-msw', 'status:true', 'metrics:45.2', 'status:false']);
    expect(mock.state.vstats.servers.get(serverIdForToken(KEY))?.online).toBe(false);
    expect(counted).toContain('vstats|out|metrics|2'); // one fan-out, two recipients
    void dashes;
  });

  it('vstats: a bad agent token is refused with a 1008 close (the network server: HTTP 401)', async () => {
    const a = track(new VStatsAgent({ url: mock.urls.vstats, token: 'wrong', metrics: () => sampleReport(), backoff }));
    const err = new Promise<FleetwireError>((r) => a.once('error', r));
    a.connect();
    expect((await err).code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(mock.vstats.counters.authFailures).toBeGreaterThanOrEqual(1);
  });

  it('control-plane: ControlPlaneEvents receives a job\'s events, driven through the shared JobsState', async () => {
    const c = track(new ControlPlaneEvents({ url: mock.urls.controlPlane, backoff }));
    const got: string[] = [];
    c.subscribe('job:*', (m) => got.push(m.event));
    c.connect();
    await until(() => mock.controlPlane.clientCount() === 1 && c.state === 'connected', 'connected');
    const job = mock.state.jobs.createJob({ steps: 2, stepMs: 5 });
    await until(() => got.includes('job:completed'), 'job completed');
    expect(got).toEqual(['job:created', 'job:progress', 'job:progress', 'job:completed']);
    expect(job.status).toBe('COMPLETED');
    expect(counted).toContain('controlPlane|out|job:completed|1');
  });

  it('close() closes every open client with 1001 and stops nothing else', async () => {
    const m2 = createMswHandlers({ urls: { controlPlane: 'ws://cp.msw.test' }, dialects: ['controlPlane'] });
    server.use(...m2.handlers);
    const c = track(new ControlPlaneEvents({ url: m2.urls.controlPlane, backoff: { initialDelayMs: 5_000, maxDelayMs: 5_000 } }));
    const disconnected = new Promise<{ closeCode?: number }>((r) => c.once('disconnected', r));
    c.on('error', () => {});
    c.connect();
    await until(() => m2.controlPlane.clientCount() === 1, 'connected');
    m2.close();
    expect((await disconnected).closeCode).toBe(1001);
    server.resetHandlers();
  });

  it('bad options are clear errors', () => {
    expect(() => createMswHandlers({ urls: { vstats: 'ws://x:1', controlPlane: 'ws://x:1' } })).toThrow(/vstats and controlPlane both at ws:\/\/x:1/);
    expect(() => createMswHandlers({ dialects: ['fleet' as never] })).toThrow(/not fleet: Socket.IO/);
    expect(() => createMswHandlers({ urls: { lightd: 'ftp://x' } })).toThrow(/urls.lightd must be/);
  });
});
