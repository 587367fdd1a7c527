/** The mock vstats server at the socket level, with raw `ws` clients (no SDK on the client side). */
import { afterEach, describe, expect, it } from 'vitest';
import { KeyStore } from '../src/keys.js';
import { startVStatsServer, serverIdForToken, type VStatsServerOptions } from '../src/vstats/index.js';
import { rawClient, type RawClient } from './vstats-raw-ws.js';
import { until } from '../../sdk/test/helpers.js';
import { sampleReport } from '../../sdk/test/vstats-fixtures.js';

const TOKEN = 'tok-1';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(over: Partial<VStatsServerOptions> = {}) {
  const s = await startVStatsServer({ port: 0, keys: new KeyStore([TOKEN]), ...over });
  cleanups.push(() => s.close());
  return s;
}
function client(url: string, opts?: ConstructorParameters<typeof import('ws').default>[2]): RawClient {
  const c = rawClient(url, opts as never);
  cleanups.push(() => c.ws.terminate());
  return c;
}
const types = (c: RawClient) => c.frames.map((f) => (f as { type: string }).type);

describe('mock vstats server', () => {
  it('refuses a bad or missing agent token with HTTP 401 at the upgrade', async () => {
    const s = await server();
    const bad = client(`${s.url}/ws/agent?token=wrong`);
    const none = client(`${s.url}/ws/agent`);
    await expect(bad.opened).rejects.toThrow(/401/);
    await expect(none.opened).rejects.toThrow(/401/);
    expect([bad.status, none.status]).toEqual([401, 401]);
    expect(s.counters.authFailures).toBe(2);
    expect(s.state.servers.size).toBe(0);
  });

  it('fans agent metrics and status out to dashboards, every message with an ISO timestamp; heartbeats are counted', async () => {
    const s = await server();
    const dash = client(`${s.url}/ws`);
    await dash.opened;
    const agent = client(`${s.url}/ws/agent?token=${TOKEN}&name=n1&location=L`);
    await agent.opened;
    agent.ws.send(JSON.stringify({ type: 'metrics', data: sampleReport(), timestamp: new Date().toISOString() }));
    agent.ws.send(JSON.stringify({ type: 'heartbeat', timestamp: new Date().toISOString() }));
    await until(() => types(dash).includes('metrics') && s.counters.heartbeats === 1, 'metrics fan-out + heartbeat');
    agent.ws.close();
    await until(() => dash.frames.length === 4, 'offline status');
    expect(types(dash)).toEqual(['server_added', 'status', 'metrics', 'status']);
    const id = serverIdForToken(TOKEN);
    expect(dash.frames[0]).toMatchObject({ data: { id, name: 'n1', location: 'L' } });
    expect(dash.frames[1]).toMatchObject({ data: { server_id: id, online: true } });
    expect(dash.frames[2]).toMatchObject({ data: { server_id: id, metrics: { cpu: { usage: 45.2, cores: 8 }, network: { rx: 1073741824, tx: 536870912 } } } });
    expect(dash.frames[3]).toMatchObject({ data: { server_id: id, online: false } });
    for (const f of dash.frames as { timestamp: string }[]) expect(new Date(f.timestamp).toISOString()).toBe(f.timestamp);
  });

  it('ignores (and counts) garbage and invalid agent messages without dropping the agent', async () => {
    const s = await server();
    const agent = client(`${s.url}/ws/agent?token=${TOKEN}`);
    await agent.opened;
    agent.ws.send('{nope');
    agent.ws.send(JSON.stringify({ type: 'metrics', data: { hostname: 'x' } }));
    agent.ws.send(JSON.stringify({ type: 'reboot' }));
    agent.ws.send(JSON.stringify({ type: 'heartbeat', timestamp: new Date().toISOString() }));
    await until(() => s.counters.heartbeats === 1, 'valid heartbeat after the garbage');
    expect(s.counters.invalidMessages).toBe(3);
    expect(agent.closed).toBeNull();
  });

  it('pings every pingIntervalMs and drops a peer that does not answer; a peer that pongs stays', async () => {
    const s = await server({ pingIntervalMs: 50 });
    const silent = client(`${s.url}/ws/agent?token=${TOKEN}`, { autoPong: false });
    const polite = client(`${s.url}/ws`);
    await Promise.all([silent.opened, polite.opened]);
    await until(() => silent.closed !== null, 'silent peer dropped', 3000);
    expect(silent.pings).toBeGreaterThanOrEqual(1);
    expect(s.counters.pingDrops).toBe(1);
    await until(() => polite.pings >= 3, 'more pings to the polite peer', 3000);
    expect(polite.closed).toBeNull();
    await until(() => s.state.servers.get(serverIdForToken(TOKEN))?.online === false, 'dropped agent offline');
  });

  it('origin allow-list: 403 for another or no origin, allowed origin connects; agents are not origin-checked', async () => {
    const s = await server({ allowedOrigins: ['https://ok.example'] });
    const evil = client(`${s.url}/ws`, { origin: 'https://evil.example' });
    const none = client(`${s.url}/ws`);
    const ok = client(`${s.url}/ws`, { origin: 'https://ok.example' });
    const agent = client(`${s.url}/ws/agent?token=${TOKEN}`, { origin: 'https://evil.example' });
    await expect(evil.opened).rejects.toThrow(/403/);
    await expect(none.opened).rejects.toThrow(/403/);
    await ok.opened;
    await agent.opened;
    expect(s.counters.originRejections).toBe(2);
  });

  it('removeServer(): dashboards get server_removed, the agent is closed with 1008', async () => {
    const s = await server();
    const agent = client(`${s.url}/ws/agent?token=${TOKEN}`);
    await agent.opened;
    const dash = client(`${s.url}/ws`);
    await dash.opened;
    await until(() => dash.frames.length === 2, 'snapshot');
    expect(s.removeServer(serverIdForToken(TOKEN))).toBe(true);
    await until(() => types(dash).includes('server_removed') && agent.closed !== null, 'removed');
    expect(agent.closed?.code).toBe(1008);
    expect(dash.frames.at(-1)).toMatchObject({ type: 'server_removed', data: { id: serverIdForToken(TOKEN) } });
    expect(s.removeServer('unknown')).toBe(false);
  });

  it('an unknown path gets 404', async () => {
    const s = await server();
    const c = client(`${s.url}/nope`);
    await expect(c.opened).rejects.toThrow(/404/);
  });
});
