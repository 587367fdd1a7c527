/** Every fault the admin API injects, observed from real clients. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { MockBackend } from '@fleetwire/mock-backend';
import { ErrorCodes, type FleetAgent, type FleetAgentOptions, type FleetwireError, type Scheduler } from '@fleetwire/sdk';
import { adminFixture, fleetAgent, until } from './admin-helpers.js';

const KEY = 'faults-key';
const TOKEN = 'faults-admin-token';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const { backend, api } = adminFixture(KEY, TOKEN, cleanups);

function agent(b: MockBackend, nodeId: string, over: Partial<FleetAgentOptions> = {}): { a: FleetAgent; errors: FleetwireError[] } {
  const a = fleetAgent(b.fleetUrl, KEY, nodeId, over);
  const errors: FleetwireError[] = [];
  a.on('error', (e) => errors.push(e));
  cleanups.push(() => a.close());
  a.connect();
  return { a, errors };
}

async function cpClient(b: MockBackend): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(b.endpoints.controlPlane!.url);
  cleanups.push(() => ws.terminate());
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(String(d)));
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  return { ws, frames };
}

describe('fault injection', () => {
  it('vstats: drop and refuse-auth reach its sockets now that it shares the backend HTTP host', async () => {
    const b = await backend();
    const { VStatsAgent } = await import('@fleetwire/sdk');
    const { sampleReport } = await import('../../sdk/test/vstats-fixtures.js');
    const vstatsAgent = () => {
      const a = new VStatsAgent({ url: `ws://127.0.0.1:${b.endpoints.vstats!.port}`, token: KEY, metrics: () => sampleReport(), backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
      const codes: string[] = [];
      a.on('error', (e) => codes.push(e.code));
      cleanups.push(() => a.close());
      a.connect();
      return { a, codes };
    };
    const { a, codes } = vstatsAgent();
    await until(() => b.servers.vstats!.agentCount() === 1, 'agent connected');
    expect((await api(b, 'POST', '/api/faults/refuse-auth', { ms: 60_000 })).status).toBe(200);
    expect((await api(b, 'POST', '/api/faults/drop', { dialect: 'vstats' })).json).toEqual({ dropped: 1 });
    // Its reconnect meets the injected 401 at the upgrade: a terminal auth error for the SDK.
    await until(() => a.state === 'closed', 'agent refused on reconnect');
    expect(b.tracker.refused.vstats).toBe(1);
    expect(codes).toContain(ErrorCodes.FW_AUTH_REJECTED);
    expect(b.servers.vstats!.agentCount()).toBe(0);
    await api(b, 'DELETE', '/api/faults');
    const again = vstatsAgent();
    await until(() => b.servers.vstats!.agentCount() === 1 && again.a.state === 'connected', 'a new agent connects after the fault ends');
  });

  it('drop: all connections (agents reconnect), or a fraction of them', async () => {
    const b = await backend();
    const agents = ['n1', 'n2', 'n3', 'n4'].map((id) => agent(b, id).a);
    await until(() => b.state.fleet.summary().online === 4, '4 online');
    const half = await api(b, 'POST', '/api/faults/drop', { fraction: 0.5, dialect: 'fleet' });
    expect(half.json).toEqual({ dropped: 2 });
    await until(() => [...b.state.fleet.nodes.values()].filter((n) => n.connections === 2).length === 2, 'two nodes reconnected');
    await until(() => b.state.fleet.summary().online === 4, 'all back');
    const all = await api(b, 'POST', '/api/faults/drop', {});
    expect(all.json.dropped).toBe(4);
    const total = () => [...b.state.fleet.nodes.values()].reduce((n, x) => n + x.connections, 0);
    await until(() => total() === 10 && b.state.fleet.summary().online === 4, 'all reconnected'); // 4 first + 2 + 4
    await until(() => agents.every((a) => a.state === 'connected'), 'every agent connected again');
    expect((await api(b, 'POST', '/api/faults/drop', { fraction: 2 })).status).toBe(400);
  });

  it('ack delay: heartbeat acks come N ms late, and on time again after clear', async () => {
    const b = await backend();
    const ticks: (() => void)[] = [];
    const scheduler: Scheduler = { every: (_i, fn) => (ticks.push(fn), () => {}) };
    const { a } = agent(b, 'slow', { scheduler });
    await new Promise((r) => a.once('heartbeat_ack', r));
    expect((await api(b, 'POST', '/api/faults/ack-delay', { ms: 600 })).json.ackDelayMs).toBe(600);
    const late = new Promise<{ rttMs: number }>((r) => a.once('heartbeat_ack', r));
    ticks[0]!();
    expect((await late).rttMs).toBeGreaterThanOrEqual(590);
    await api(b, 'DELETE', '/api/faults');
    const prompt = new Promise<{ rttMs: number }>((r) => a.once('heartbeat_ack', r));
    ticks[0]!();
    // Well under the injected delay even on a loaded CI box.
    expect((await prompt).rttMs).toBeLessThan(400);
    expect((await api(b, 'POST', '/api/faults/ack-delay', { ms: -1 })).status).toBe(400);
  });

  it('refuse auth for a while: fleet gets its auth error, monitor a 401 at the upgrade; afterwards both work', async () => {
    const b = await backend();
    const res = await api(b, 'POST', '/api/faults/refuse-auth', { ms: 400 });
    expect(res.json.refuseAuthUntil).not.toBeNull();
    const { errors } = agent(b, 'refused');
    await until(() => errors.length > 0, 'auth error');
    expect(errors[0]!.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${b.endpoints.monitor!.port}/api/v1/agents/ws`);
      ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
    await until(() => !b.faults.refuseAuth(), 'refusal over', 2000);
    const { a } = agent(b, 'later');
    await until(() => a.state === 'connected', 'connects after the refusal');
  });

  it('malformed frames: invalid JSON to plain-WebSocket clients, a schema-invalid command to fleet agents', async () => {
    const b = await backend();
    const { frames } = await cpClient(b);
    const { a, errors } = agent(b, 'victim');
    await until(() => a.state === 'connected', 'connected');
    expect((await api(b, 'POST', '/api/faults/malformed', { kind: 'invalid-json', dialect: 'controlPlane' })).json.sent).toBe(1);
    const bad = await until(() => frames.find((f) => f.includes('fleetwireFault')), 'the malformed frame');
    expect(() => JSON.parse(bad!)).toThrow();
    expect((await api(b, 'POST', '/api/faults/malformed', { kind: 'invalid-schema', dialect: 'fleet' })).json.sent).toBe(1);
    await until(() => errors.length > 0, 'agent reports it');
    expect(errors[0]!.code).toBe(ErrorCodes.FW_PROTOCOL_INVALID);
    expect((await api(b, 'POST', '/api/faults/malformed', { kind: 'binary' })).status).toBe(400);
  });

  it('silence: pings go unanswered until the fault is cleared', async () => {
    const b = await backend();
    const { ws } = await cpClient(b);
    const pong = () => new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 300);
      ws.once('pong', () => (clearTimeout(t), resolve(true)));
      ws.ping();
    });
    expect(await pong()).toBe(true);
    expect((await api(b, 'POST', '/api/faults/silence', { dialect: 'controlPlane' })).json.silenced).toBe(1);
    expect(await pong()).toBe(false);
    expect((await api(b, 'GET', '/api/faults')).json.silenced).toBe(1);
    await api(b, 'DELETE', '/api/faults');
    await until(() => pong(), 'pong again');
  });
});
