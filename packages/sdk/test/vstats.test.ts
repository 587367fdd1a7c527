/** VStatsAgent and VStatsDashboard against the real mock vstats server on port 0. */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, FleetwireError, type Scheduler } from '../src/index.js';
import { VStatsAgent, VStatsDashboard, type VStatsAgentOptions } from '../src/protocols/vstats/index.js';
import { KeyStore } from '../../mock-backend/src/keys.js';
import { startVStatsServer, serverIdForToken, type VStatsServerOptions } from '../../mock-backend/src/vstats/index.js';
import { once, until } from './helpers.js';
import { sampleReport } from './vstats-fixtures.js';

const TOKEN = 'agent-token-1';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(over: Partial<VStatsServerOptions> = {}) {
  const s = await startVStatsServer({ port: 0, keys: new KeyStore([TOKEN, 'agent-token-2']), ...over });
  cleanups.push(() => s.close());
  return s;
}

const manual = () => {
  const ticks: { interval: number; fn: () => void }[] = [];
  const scheduler: Scheduler = { every: (interval, fn) => (ticks.push({ interval, fn }), () => {}) };
  return { ticks, scheduler };
};

function agent(url: string, over: Partial<VStatsAgentOptions> = {}) {
  const a = new VStatsAgent({ url, token: TOKEN, metrics: () => sampleReport(), name: 'gpu-01', location: 'EU-West', backoff: { initialDelayMs: 20, maxDelayMs: 100 }, ...over });
  cleanups.push(() => a.close());
  return a;
}

function dashboard(url: string, over: Partial<ConstructorParameters<typeof VStatsDashboard>[0]> = {}) {
  const d = new VStatsDashboard({ url, backoff: { initialDelayMs: 20, maxDelayMs: 100 }, ...over });
  cleanups.push(() => d.close());
  return d;
}

describe('VStatsAgent', () => {
  it('sends the full metrics report at once, then on every tick (5 s default), and heartbeats', async () => {
    const s = await server();
    const { ticks, scheduler } = manual();
    const a = agent(s.url, { scheduler, metrics: async () => sampleReport({ timestamp: undefined }) });
    a.connect();
    await until(() => s.counters.metricsReports === 1, 'first report');
    expect(ticks.map((t) => t.interval)).toEqual([5000, 30_000]);
    const rec = s.state.servers.get(serverIdForToken(TOKEN))!;
    expect(rec.lastMetrics?.hostname).toBe('my-server');
    expect(Date.parse(rec.lastMetrics!.timestamp)).toBeGreaterThan(Date.parse('2025-01-01')); // filled in by the SDK
    ticks[0]!.fn();
    await until(() => s.counters.metricsReports === 2, 'second report');
    const hb = once<[{ type: string; timestamp: string }]>(a, 'heartbeat');
    ticks[1]!.fn();
    const [msg] = await hb;
    expect(msg.type).toBe('heartbeat');
    expect(new Date(msg.timestamp).toISOString()).toBe(msg.timestamp);
    await until(() => s.counters.heartbeats === 1, 'heartbeat received');
    expect(s.counters.invalidMessages).toBe(0);
  });

  it('a bad token is refused with 401 at the upgrade: terminal FW_AUTH_REJECTED, no retry loop', async () => {
    const s = await server();
    const a = agent(s.url, { token: 'wrong', backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    const err = once<[FleetwireError]>(a, 'error');
    a.connect();
    const [e] = await err;
    expect(e.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(e.context.httpStatus).toBe(401);
    expect(e.context.url).not.toContain('wrong'); // the token is redacted
    await until(() => a.state === 'closed', 'closed');
    await new Promise((r) => setTimeout(r, 100)); // a 1–5 ms backoff would have retried many times by now
    expect(s.counters.authFailures).toBe(1);
  });

  it('a provider that throws or returns a bad report: FW_HANDLER_FAILED, nothing sent, connection stays', async () => {
    const s = await server();
    let n = 0;
    const { ticks, scheduler } = manual();
    const a = agent(s.url, {
      scheduler,
      metrics: () => {
        n++;
        if (n === 1) throw new Error('sensor gone');
        if (n === 2) return { ...sampleReport(), cpu: undefined } as never;
        return sampleReport();
      },
    });
    const errors: FleetwireError[] = [];
    a.on('error', (e) => errors.push(e));
    a.connect();
    await until(() => errors.length === 1, 'first failure');
    ticks[0]!.fn();
    await until(() => errors.length === 2, 'second failure');
    ticks[0]!.fn();
    await until(() => s.counters.metricsReports === 1, 'good report');
    expect(errors.map((e) => e.code)).toEqual([ErrorCodes.FW_HANDLER_FAILED, ErrorCodes.FW_HANDLER_FAILED]);
    expect(s.counters.invalidMessages).toBe(0);
    expect(a.state).toBe('connected');
  });

  it('answers the server\'s pings (ws auto-pong): stays connected through many ping sweeps', async () => {
    const s = await server({ pingIntervalMs: 20 });
    const a = agent(s.url);
    a.connect();
    await until(() => s.counters.pings >= 6, 'six pings sent', 3000);
    expect(s.counters.pingDrops).toBe(0);
    expect(a.state).toBe('connected');
  });

  it('reconnects when the server goes away and comes back on the same port, and reports at once', async () => {
    const s1 = await startVStatsServer({ port: 0, keys: new KeyStore([TOKEN]) });
    const port = s1.port;
    const a = agent(s1.url);
    a.on('error', () => {});
    a.connect();
    await until(() => s1.counters.metricsReports === 1, 'report on first server');
    await s1.close();
    await until(() => a.state === 'reconnecting', 'agent reconnecting');
    const s2 = await server({ port });
    await until(() => s2.counters.metricsReports >= 1, 'report on the restarted server', 8000);
    expect(a.state).toBe('connected');
    expect(s2.state.servers.get(serverIdForToken(TOKEN))?.online).toBe(true);
  });
});

describe('VStatsDashboard', () => {
  it('gets server_added, status, metrics and server_removed, and keeps the live map', async () => {
    const s = await server();
    const d = dashboard(s.url);
    const seen: string[] = [];
    d.on('server_added', (x) => seen.push(`added:${x.name}@${x.location}`));
    d.on('status', (x) => seen.push(`status:${x.online}`));
    d.on('metrics', (x) => seen.push(`metrics:${x.metrics.cpu.usage}`));
    d.on('server_removed', () => seen.push('removed'));
    d.connect();
    await once(d, 'connected');
    const a = agent(s.url);
    a.on('error', () => {});
    a.connect();
    const id = serverIdForToken(TOKEN);
    await until(() => d.server(id)?.lastMetrics != null, 'metrics in the map');
    const entry = d.server(id)!;
    expect(entry).toMatchObject({ id, name: 'gpu-01', location: 'EU-West', online: true });
    expect(entry.lastMetrics).toMatchObject({ cpu: { usage: 45.2, cores: 8 }, memory: { total: 17179869184 }, network: { rx: 1073741824, tx: 536870912 } });
    expect(Date.parse(entry.updatedAt)).toBeGreaterThan(0);

    a.close();
    await until(() => d.server(id)?.online === false, 'offline status');
    expect(s.removeServer(id)).toBe(true);
    await until(() => !d.servers.has(id), 'removed from the map');
    expect(seen).toEqual(['added:gpu-01@EU-West', 'status:true', 'metrics:45.2', 'status:false', 'removed']);
  });

  it('a dashboard that connects later gets a snapshot of every known server', async () => {
    const s = await server();
    const a = agent(s.url);
    a.connect();
    await until(() => s.counters.metricsReports === 1, 'report');
    const d = dashboard(s.url);
    d.connect();
    const id = serverIdForToken(TOKEN);
    await until(() => d.server(id)?.lastMetrics != null, 'snapshot');
    expect(d.server(id)).toMatchObject({ name: 'gpu-01', online: true });
  });

  it('malformed, invalid and unknown frames: error events with codes, the connection stays and later messages still arrive', async () => {
    const s = await server();
    const d = dashboard(s.url);
    const codes: string[] = [];
    d.on('error', (e) => codes.push(e.code));
    d.connect();
    await once(d, 'connected');
    s.sendRawToDashboards('{not json');
    s.sendRawToDashboards('[1,2]');
    s.sendRawToDashboards(JSON.stringify({ type: 'status', data: { server_id: 'x', online: 'yes' }, timestamp: 't' }));
    s.sendRawToDashboards(JSON.stringify({ type: 'alert', data: {} }));
    s.state.addServer('later', { name: 'later', location: 'X' });
    await until(() => d.servers.has('later'), 'server_added after the bad frames');
    expect(codes).toEqual([ErrorCodes.FW_PROTOCOL_MALFORMED, ErrorCodes.FW_PROTOCOL_MALFORMED, ErrorCodes.FW_PROTOCOL_INVALID, ErrorCodes.FW_PROTOCOL_UNKNOWN]);
    expect(d.state).toBe('connected');
    expect(d.servers.has('x')).toBe(false); // the invalid status changed nothing
  });

  it('origin allow-list: an allowed origin connects, another gets 403 (terminal)', async () => {
    const s = await server({ allowedOrigins: ['https://dash.example'] });
    const ok = dashboard(s.url, { origin: 'https://dash.example' });
    ok.connect();
    await once(ok, 'connected');
    const bad = dashboard(s.url, { origin: 'https://evil.example' });
    const err = once<[FleetwireError]>(bad, 'error');
    bad.connect();
    const [e] = await err;
    expect(e.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(e.context.httpStatus).toBe(403);
    await until(() => bad.state === 'closed', 'closed');
    expect(s.counters.originRejections).toBe(1);
  });

  it('reconnects when the server restarts on the same port and rebuilds its map from the snapshot', async () => {
    const s1 = await startVStatsServer({ port: 0, keys: new KeyStore([TOKEN]) });
    const port = s1.port;
    s1.state.addServer('old', { name: 'old', location: 'A' });
    const d = dashboard(s1.url);
    d.on('error', () => {});
    d.connect();
    await until(() => d.servers.has('old'), 'first snapshot');
    await s1.close();
    await until(() => d.state === 'reconnecting', 'reconnecting');
    expect(d.server('old')?.online).toBe(false);
    const s2 = await server({ port });
    s2.state.addServer('new', { name: 'new', location: 'B' });
    await until(() => d.servers.has('new'), 'second snapshot', 8000);
    expect(d.servers.has('old')).toBe(false);
    expect(d.state).toBe('connected');
  });
});
