/**
 * Hostile input never takes the mock down (issue 10), on real sockets:
 * - every Object.prototype name and every non-string as a dialect's
 *   discriminant (`type`, `event`, the Socket.IO event name) gets that
 *   dialect's one answer to a bad message, and a valid message afterwards
 *   still works on the same connection;
 * - a handler that throws closes that one connection (1011), is counted in
 *   /metrics, and the backend goes on serving new connections;
 * - the admin API answers a broken percent-escape with 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { until } from '../../../test-support/index.js';
import { HOSTILE_DISCRIMINANTS, expectPrototypeIntact } from '../../../test-support/hostile.js';
import { admin } from './admin-helpers.js';
import { rawClient, type RawClient } from './monitor-ws-helpers.js';

const KEY = 'hostile-input-key';
const TOKEN = 'hostile-admin-token';
const N = HOSTILE_DISCRIMINANTS.length;
let b: MockBackend;
const clients: { close(): void }[] = [];

beforeAll(async () => {
  b = await startMockBackend({ ephemeral: true, keys: [KEY], adminToken: TOKEN });
  b.state.lightd.createContainer('c1', { state: 'running' });
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.close();
  await b.close();
  expectPrototypeIntact();
});

function raw(url: string): RawClient {
  const c = rawClient(url);
  clients.push({ close: () => c.ws.terminate() });
  return c;
}
const origin = (u: string) => new URL(u).origin.replace(/^http/, 'ws');
const vstatsAgent = () => raw(`${origin(b.endpoints.vstats!.url)}/ws/agent?token=${KEY}&name=hostile`);
const lightdClient = () => raw(`${origin(b.endpoints.lightd!.url)}/ws/c1?token=${b.state.lightd.createToken().token}`);
const cpClient = () => raw(b.endpoints.controlPlane!.url);
async function monitorAgent(): Promise<{ c: RawClient; serverId: string }> {
  const c = raw(`${origin(b.endpoints.monitor!.url)}/api/v1/agents/ws`);
  c.send({ type: 'auth', api_key: KEY });
  const ok = (await c.next()) as { type: string; server_id: string };
  expect(ok.type).toBe('auth_success');
  return { c, serverId: ok.server_id };
}
function fleetSocket(nodeId: string): Promise<Socket> {
  const s = io(`${b.fleetUrl}/fleet`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: KEY, nodeId } });
  clients.push({ close: () => s.close() });
  return new Promise((resolve, reject) => (s.once('connect', () => resolve(s)), s.once('connect_error', reject)));
}
const metricsText = async () => (await admin(b.adminUrl!, null, 'GET', '/metrics')).json as string;
const handlerErrors = async (dialect: string) => {
  const m = new RegExp(`fleetwire_mock_handler_errors_total\\{dialect="${dialect}"\\} (\\d+)`).exec(await metricsText());
  return m ? Number(m[1]) : NaN;
};
const now = () => new Date().toISOString();

describe('every Object.prototype name and non-string as the discriminant', () => {
  it('vstats agent: each counted as one invalid message; a heartbeat afterwards is still taken', async () => {
    const c = vstatsAgent();
    await c.refused;
    const before = b.servers.vstats!.counters.invalidMessages;
    for (const type of HOSTILE_DISCRIMINANTS) c.send({ type, timestamp: now(), data: {} });
    await until(() => b.servers.vstats!.counters.invalidMessages - before === N, `${N} invalid vstats messages`);
    const hb = b.servers.vstats!.counters.heartbeats;
    c.send({ type: 'heartbeat', timestamp: now() });
    await until(() => b.servers.vstats!.counters.heartbeats === hb + 1, 'the heartbeat after them');
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expectPrototypeIntact();
  });

  it('monitor agent: one {type:"error"} each; a command round trip afterwards still works', async () => {
    const { c, serverId } = await monitorAgent();
    for (const type of HOSTILE_DISCRIMINANTS) c.send({ type, server_id: serverId, command_id: 'x' });
    for (let i = 0; i < N; i++) expect(await c.next()).toEqual({ type: 'error', message: 'Invalid message format' });
    const reply = b.servers.monitor!.sendCommand(serverId, 'uptime');
    const cmd = (await c.next()) as { type: string; command_id: string };
    expect(cmd.type).toBe('command');
    c.send({ type: 'command_response', command_id: cmd.command_id, output: 'up', exit_code: 0, duration_ms: 1 });
    expect((await reply).output).toBe('up');
    expectPrototypeIntact();
  });

  it('lightd console: one daemon_message error each; request_logs afterwards still answers', async () => {
    const c = lightdClient();
    await c.next(); // state
    await c.next(); // stats
    for (const event of HOSTILE_DISCRIMINANTS) c.send({ event, action: 'start', command: 'x' });
    for (let i = 0; i < N; i++) expect(await c.next()).toEqual({ event: 'daemon_message', data: 'Error: invalid message' });
    c.send({ event: 'request_logs' });
    expect(((await c.next()) as { event: string }).event).toBe('logs');
    expectPrototypeIntact();
  });

  it('control-plane: each ignored (push-only); broadcasts still reach the client', async () => {
    const c = cpClient();
    await c.refused;
    const before = b.servers.controlPlane!.counters.ignoredMessages;
    for (const event of HOSTILE_DISCRIMINANTS) c.send({ event, data: {} });
    await until(() => b.servers.controlPlane!.counters.ignoredMessages - before === N, `${N} ignored frames`);
    b.servers.controlPlane!.bus.instanceDeleted('i-after');
    expect(await c.next()).toMatchObject({ event: 'instance:deleted', data: { instanceId: 'i-after' } });
    expectPrototypeIntact();
  });

  it('fleet: each event name gets one {success:false} ack; a heartbeat afterwards is acked', async () => {
    const s = await fleetSocket('hostile-fleet');
    const names = HOSTILE_DISCRIMINANTS.filter((n) => typeof n === 'string') as string[];
    for (const name of names) {
      // socket.io-client refuses to emit its own reserved names; everything else reaches the server.
      if (['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'].includes(name)) continue;
      const ack = (await s.timeout(5000).emitWithAck(name, { nodeId: 'hostile-fleet' })) as { success: boolean; error: string };
      expect(ack.success, name).toBe(false);
      expect(ack.error).toContain('unknown event');
    }
    const ok = await s.timeout(5000).emitWithAck('heartbeat', { nodeId: 'hostile-fleet', status: 'online', metrics: (await import('../../../test-support/index.js')).sampleMetrics() });
    expect(ok).toEqual({ success: true });
    expectPrototypeIntact();
  });
});

describe('a handler that throws costs one connection (1011), is counted, and the backend goes on', () => {
  const injected = () => {
    throw new Error('injected handler fault');
  };

  it('vstats', async () => {
    const before = await handlerErrors('vstats');
    const state = b.state.vstats as unknown as { heartbeat: unknown };
    state.heartbeat = injected;
    try {
      const c = vstatsAgent();
      c.send({ type: 'heartbeat', timestamp: now() });
      expect((await c.closed).code).toBe(1011);
    } finally {
      delete state.heartbeat;
    }
    expect(await handlerErrors('vstats')).toBe(before + 1);
    const hb = b.servers.vstats!.counters.heartbeats;
    vstatsAgent().send({ type: 'heartbeat', timestamp: now() });
    await until(() => b.servers.vstats!.counters.heartbeats === hb + 1, 'a heartbeat on a new connection');
  });

  it('monitor agent and monitor frontend (async handling)', async () => {
    const before = await handlerErrors('monitor');
    const state = b.state.monitor as unknown as { serverIdForKey: unknown };
    state.serverIdForKey = injected;
    try {
      const c = raw(`${origin(b.endpoints.monitor!.url)}/api/v1/agents/ws`);
      c.send({ type: 'auth', api_key: KEY });
      expect((await c.closed).code).toBe(1011);
    } finally {
      delete state.serverIdForKey;
    }
    const hub = b.servers.monitor!.frontends as unknown as { set: unknown };
    hub.set = injected;
    try {
      const f = raw(`${origin(b.endpoints.monitor!.url)}/api/v1/ws/metrics/srv-1`);
      f.send({ type: 'auth', token: await b.mintMonitorToken('hostile') });
      expect((await f.closed).code).toBe(1011);
    } finally {
      delete hub.set;
    }
    expect(await handlerErrors('monitor')).toBe(before + 2);
    await monitorAgent(); // still serving
  });

  it('lightd', async () => {
    const before = await handlerErrors('lightd');
    const container = b.state.lightd.containers.get('c1')! as unknown as { command: unknown };
    container.command = injected;
    try {
      const c = lightdClient();
      c.send({ event: 'send_command', command: 'ls' });
      expect((await c.closed).code).toBe(1011);
    } finally {
      delete container.command;
    }
    expect(await handlerErrors('lightd')).toBe(before + 1);
    const c = lightdClient();
    expect(await c.next()).toEqual({ event: 'event', data: 'running' });
  });

  it('control-plane', async () => {
    const before = await handlerErrors('controlPlane');
    const ignored = b.servers.controlPlane!.ignored as unknown as { push: unknown };
    ignored.push = injected;
    try {
      const c = cpClient();
      c.send('anything');
      expect((await c.closed).code).toBe(1011);
    } finally {
      delete ignored.push;
    }
    expect(await handlerErrors('controlPlane')).toBe(before + 1);
    const c = cpClient();
    await c.refused;
    b.servers.controlPlane!.bus.instanceDeleted('i-still');
    expect(await c.next()).toMatchObject({ event: 'instance:deleted' });
  });

  it('fleet (Socket.IO over websocket)', async () => {
    const before = await handlerErrors('fleet');
    const state = b.state.fleet as unknown as { heartbeat: unknown };
    state.heartbeat = injected;
    const { sampleMetrics } = await import('../../../test-support/index.js');
    try {
      const s = await fleetSocket('thrower');
      const gone = new Promise<string>((r) => s.once('disconnect', (reason) => r(reason)));
      s.emit('heartbeat', { nodeId: 'thrower', status: 'online', metrics: sampleMetrics() });
      expect(await gone).toBe('transport close');
    } finally {
      delete state.heartbeat;
    }
    expect(await handlerErrors('fleet')).toBe(before + 1);
    const s = await fleetSocket('after-thrower');
    expect(await s.timeout(5000).emitWithAck('heartbeat', { nodeId: 'after-thrower', status: 'online', metrics: sampleMetrics() })).toEqual({ success: true });
  });
});

describe('admin API', () => {
  it('a broken percent-escape in a path segment is a 400, not a 500', async () => {
    for (const path of ['/api/nodes/%E0%A4%A', '/api/nodes/%', '/api/nodes/%ZZ']) {
      const r = await admin(b.adminUrl!, TOKEN, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(r.json.error.code).toBe('FW_INVALID_ARGUMENT');
    }
    expect((await admin(b.adminUrl!, TOKEN, 'GET', '/api/nodes')).status).toBe(200);
  });
});
