/** Every admin endpoint against a real backend on ephemeral ports, driven by real clients. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { jwtVerify } from 'jose';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import type { FleetAgent } from '@fleetwire/sdk';
import { admin, adminFixture, fleetAgent, startCmd, until } from './admin-helpers.js';

const KEY = 'admin-test-key';
const TOKEN = 'admin-test-token';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const { backend, api } = adminFixture(KEY, TOKEN, cleanups);

async function connected(b: MockBackend, nodeId = 'node-1'): Promise<FleetAgent> {
  const a = fleetAgent(b.fleetUrl, KEY, nodeId);
  cleanups.push(() => a.close());
  a.on('error', () => {});
  a.connect();
  await until(() => b.state.fleet.nodes.get(nodeId)?.connection === 'ONLINE' && a.state === 'connected', `${nodeId} online`);
  return a;
}

/** A monitor agent speaking the document's JSON by hand; answers commands and docker actions. */
async function monitorAgent(b: MockBackend): Promise<{ ws: WebSocket; serverId: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${b.endpoints.monitor!.port}/api/v1/agents/ws`);
  cleanups.push(() => ws.terminate());
  const first = new Promise<{ server_id: string }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', api_key: KEY }));
  const { server_id } = await first;
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type === 'command') ws.send(JSON.stringify({ type: 'command_response', command_id: m.command_id, output: `ran ${m.command}`, exit_code: 0, duration_ms: 3 }));
    if (m.type === 'docker_command') ws.send(JSON.stringify({ type: 'docker_response', command_id: m.command_id, success: true, message: `${m.action} ${m.container_id}` }));
  });
  return { ws, serverId: server_id };
}

describe('admin API', () => {
  it('needs the admin bearer token on /api (401 without or with a wrong one); /healthz is public', async () => {
    const b = await backend();
    expect(b.adminToken).toBe(TOKEN);
    const none = await admin(b.adminUrl!, null, 'GET', '/api/nodes');
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('FW_AUTH_REJECTED');
    expect((await admin(b.adminUrl!, 'wrong-token', 'GET', '/api/nodes')).status).toBe(401);
    expect((await admin(b.adminUrl!, null, 'GET', '/healthz')).json).toEqual({ ok: true });
    expect((await api(b, 'GET', '/api/nope')).status).toBe(404);
    expect((await api(b, 'PUT', '/api/nodes')).status).toBe(405);
    const bad = await api(b, 'POST', '/api/jobs', '{not json');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/body is not JSON/);
  });

  it('generates a random admin token when none is given', async () => {
    const b = await startMockBackend({ ephemeral: true });
    cleanups.push(() => b.close());
    expect(b.adminToken).toMatch(/^fwadm_[0-9a-f]{32}$/);
  });

  it('lists nodes and one node; 404 for an unknown one', async () => {
    const b = await backend();
    await connected(b, 'node-a');
    const list = await api(b, 'GET', '/api/nodes');
    expect(list.json.summary).toMatchObject({ online: 1, offline: 0 });
    expect(list.json.nodes[0]).toMatchObject({ nodeId: 'node-a', connection: 'ONLINE', heartbeats: 1, rentals: [] });
    expect((await api(b, 'GET', '/api/nodes/node-a')).json.nodeId).toBe('node-a');
    expect((await api(b, 'GET', '/api/nodes/ghost')).status).toBe(404);
  });

  it('start_instance / stop_instance reach the agent, and the rental shows in nodes, rentals and containers', async () => {
    const b = await backend();
    await connected(b);
    const start = await api(b, 'POST', '/api/nodes/node-1/start_instance', startCmd('r-1'));
    expect(start.status).toBe(200);
    expect(start.json).toMatchObject({ sent: true, acked: true });
    await until(() => b.state.fleet.nodes.get('node-1')!.rentals.get('r-1')?.state === 'running', 'rental running');
    expect((await api(b, 'GET', '/api/rentals')).json.rentals).toEqual([expect.objectContaining({ nodeId: 'node-1', rentalId: 'r-1', containerId: 'ctr-r-1' })]);
    expect((await api(b, 'GET', '/api/containers')).json.containers).toContainEqual({ dialect: 'fleet', host: 'node-1', containerId: 'ctr-r-1', rentalId: 'r-1', status: 'running' });
    const stop = await api(b, 'POST', '/api/nodes/node-1/stop_instance', { rentalId: 'r-1', containerId: 'ctr-r-1' });
    expect(stop.json.sent).toBe(true);
    await until(() => b.state.fleet.nodes.get('node-1')!.rentals.get('r-1')?.state === 'stopped', 'rental stopped');
  });

  it('a reused rentalId is refused with 409 FW_CONFLICT and never reaches the agent (no silent instance_started mismatch)', async () => {
    const b = await backend();
    const a = await connected(b);
    let starts = 0;
    a.on('start_instance', () => starts++);
    expect((await api(b, 'POST', '/api/nodes/node-1/start_instance', startCmd('r-1'))).status).toBe(200);
    await until(() => b.state.fleet.nodes.get('node-1')!.rentals.get('r-1')?.state === 'running', 'rental running');
    await api(b, 'POST', '/api/nodes/node-1/stop_instance', { rentalId: 'r-1', containerId: 'ctr-r-1' });
    await until(() => b.state.fleet.nodes.get('node-1')!.rentals.get('r-1')?.state === 'stopped', 'rental stopped');
    const again = await api(b, 'POST', '/api/nodes/node-1/start_instance', startCmd('r-1'));
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: 'FW_CONFLICT', message: expect.stringMatching(/rentalId r-1 is already used .*needs a new rentalId/) });
    expect((await api(b, 'POST', '/api/nodes/node-1/start_instance', startCmd('r-2'))).status).toBe(200);
    expect(starts).toBe(2);
  });

  it('drain_node reaches the agent; bad commands are 400, offline nodes 409', async () => {
    const b = await backend();
    const a = await connected(b);
    const drained = new Promise((r) => a.once('drain_node', r));
    expect((await api(b, 'POST', '/api/nodes/node-1/drain_node', { reason: 'patching' })).json.sent).toBe(true);
    expect(await drained).toMatchObject({ nodeId: 'node-1', reason: 'patching' });
    const bad = await api(b, 'POST', '/api/nodes/node-1/start_instance', { rentalId: 'r-x' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'FW_INVALID_ARGUMENT', message: expect.stringMatching(/invalid start_instance/) });
    await a.close();
    await until(() => b.state.fleet.nodes.get('node-1')!.connection === 'OFFLINE', 'offline');
    const gone = await api(b, 'POST', '/api/nodes/node-1/drain_node', {});
    expect(gone.status).toBe(409);
    expect(gone.json.error.code).toBe('FW_NOT_CONNECTED');
  });

  it('monitor: lists servers, runs a command and a docker action on an agent and returns its response', async () => {
    const b = await backend();
    const { serverId } = await monitorAgent(b);
    const servers = await api(b, 'GET', '/api/servers');
    expect(servers.json.monitor).toEqual([expect.objectContaining({ serverId, online: true })]);
    const cmd = await api(b, 'POST', `/api/monitor/servers/${serverId}/command`, { command: 'uptime' });
    expect(cmd.status).toBe(200);
    expect(cmd.json).toMatchObject({ type: 'command_response', output: 'ran uptime', exit_code: 0 });
    const dock = await api(b, 'POST', `/api/monitor/servers/${serverId}/docker`, { action: 'stop', containerId: 'c-9' });
    expect(dock.json).toMatchObject({ type: 'docker_response', success: true, message: 'stop c-9' });
    expect((await api(b, 'GET', '/api/containers')).json.containers).toContainEqual({ dialect: 'monitor', host: serverId, containerId: 'c-9', status: 'exited' });
    expect((await api(b, 'POST', `/api/monitor/servers/${serverId}/command`, {})).status).toBe(400);
    expect((await api(b, 'POST', '/api/monitor/servers/nobody/command', { command: 'x' })).status).toBe(409);
  });

  it('monitor: mints dashboard JWTs (HS256, sub, exp) that the metrics stream accepts', async () => {
    const b = await backend();
    const res = await api(b, 'POST', '/api/monitor/tokens', { sub: 'alice', expiresInSeconds: 60 });
    expect(res.status).toBe(200);
    const { payload, protectedHeader } = await jwtVerify(res.json.token, new TextEncoder().encode('fleetwire-dev-jwt-secret'));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe('alice');
    expect(payload.exp! - Date.now() / 1000).toBeGreaterThan(50);
    const { serverId } = await monitorAgent(b);
    const ws = new WebSocket(`ws://127.0.0.1:${b.endpoints.monitor!.port}/api/v1/ws/metrics/${serverId}`);
    cleanups.push(() => ws.terminate());
    const msgs: { type: string }[] = [];
    let closed = false;
    ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
    ws.on('close', () => (closed = true));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', token: res.json.token }));
    // Accepted streams get alerts; a refused one would get an error frame and a close instead.
    await until(() => b.servers.monitor!.pushAlert(serverId, { message: 'hot' }) > 0 && msgs.some((m) => m.type === 'alert'), 'alert on the stream');
    expect(msgs.filter((m) => m.type === 'error')).toEqual([]);
    expect(closed).toBe(false);
    expect((await api(b, 'POST', '/api/monitor/tokens', {})).status).toBe(400);
  });

  it('lightd: single-use, expiring console tokens (second use → 401), containers listed', async () => {
    const b = await backend();
    expect((await api(b, 'POST', '/api/lightd/containers', { internalId: 'srv-1' })).status).toBe(200);
    const t = await api(b, 'POST', '/api/lightd/tokens', { internalId: 'srv-1', ttlSeconds: 60 });
    expect(t.json).toMatchObject({ internalId: 'srv-1', singleUse: true, token: expect.stringMatching(/^lightd_/) });
    expect(Date.parse(t.json.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    const open = (token: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${b.endpoints.lightd!.port}/ws/srv-1?token=${token}`);
        cleanups.push(() => ws.terminate());
        ws.on('open', () => resolve(101));
        ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0));
        ws.on('error', () => {});
      });
    expect(await open(t.json.token)).toBe(101);
    expect(await open(t.json.token)).toBe(401); // consumed by its first connection
    const lc = (await api(b, 'GET', '/api/lightd/containers')).json.containers;
    expect(lc).toEqual([{ internalId: 'srv-1', clients: 1 }]);
    expect((await api(b, 'GET', '/api/containers')).json.containers).toContainEqual(expect.objectContaining({ dialect: 'lightd', containerId: 'srv-1' }));
    expect((await api(b, 'POST', '/api/lightd/tokens', { singleUse: 'yes' })).status).toBe(400);
  });

  it('jobs: creates a job whose job:* events reach control-plane clients; lists and cancels', async () => {
    const b = await backend();
    const ws = new WebSocket(b.endpoints.controlPlane!.url);
    cleanups.push(() => ws.terminate());
    const events: { event: string; data: { jobId?: string } }[] = [];
    ws.on('message', (d) => events.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
    const job = await api(b, 'POST', '/api/jobs', { type: 'INSTALL_SERVER', steps: 2, stepMs: 5 });
    expect(job.json).toMatchObject({ type: 'INSTALL_SERVER', steps: 2 });
    await until(() => events.some((e) => e.event === 'job:completed'), 'job:completed');
    expect(events.filter((e) => e.data.jobId === job.json.jobId).map((e) => e.event)).toEqual(['job:created', 'job:progress', 'job:progress', 'job:completed']);
    const slow = await api(b, 'POST', '/api/jobs', { steps: 5, stepMs: 60_000 });
    expect((await api(b, 'POST', `/api/jobs/${slow.json.jobId}/cancel`, { reason: 'test' })).json.status).toBe('CANCELLED');
    await until(() => events.some((e) => e.event === 'job:cancelled'), 'job:cancelled');
    expect((await api(b, 'GET', '/api/jobs')).json.jobs).toHaveLength(2);
    expect((await api(b, 'POST', '/api/jobs', { steps: -1 })).status).toBe(400);
  });

  it('status and connections describe the running backend', async () => {
    const b = await backend();
    await connected(b);
    const st = await api(b, 'GET', '/api/status');
    expect(st.json.endpoints.fleet.port).toBe(b.fleetPort);
    expect(st.json.fleet.online).toBe(1);
    expect(st.json.faults).toEqual({ refuseAuthUntil: null, ackDelayMs: 0, silenced: 0 });
    expect((await api(b, 'GET', '/api/connections')).json.connections).toEqual([expect.objectContaining({ dialect: 'fleet', silenced: false })]);
  });
});
