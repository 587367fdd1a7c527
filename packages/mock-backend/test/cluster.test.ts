/**
 * `fleetwire-mock --workers 2` as a child process (issue 12): one fleet state
 * across workers, admin commands that reach a node on any worker, a
 * control-plane stream that carries every worker's events, /metrics summed
 * over the workers, every dialect served, and --state-file kept by the primary.
 * Ports are ephemeral: the workers share the ones the primary chose.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FleetAgent } from '@fleetwire/sdk';
import { startMockProcess, factKey, type FactJson, type MockProcess } from '../../../test-support/mock-process.js';
import { sampleMetrics, startCmd, until } from '../../../test-support/index.js';
import { rawClient } from './monitor-ws-helpers.js';

/** The agents' node ids: 6 at first, more while one worker holds none (the kernel spreads accepts, not us). */
const NODES: string[] = [];
const WAIT = 30_000; // a busy 2-core box: generous, but every wait is on a condition

let mock: MockProcess;
let dir: string;
const agents: FleetAgent[] = [];
const started: Record<string, string[]> = {};
const cpClients: { ws: WebSocket; events: { event: string; data: Record<string, unknown> }[] }[] = [];

interface ProcessJson { pid: number; home: boolean; nodes: string[]; controlPlaneClients: number }
interface NodeJson { nodeId: string; connection: string; heartbeats: number; rentals: { rentalId: string; state: string }[] }

const cluster = async () => (await mock.get<{ processes: ProcessJson[] }>('/api/cluster')).processes;
const nodes = async () => (await mock.get<{ nodes: NodeJson[] }>('/api/nodes')).nodes;
const facts = async () => (await mock.get<{ facts: FactJson[] }>('/api/facts')).facts;

function cpClient(): Promise<(typeof cpClients)[number]> {
  const ws = new WebSocket(`ws://127.0.0.1:${mock.fleetPort}/ws`);
  const c = { ws, events: [] as (typeof cpClients)[number]['events'] };
  ws.on('message', (d) => c.events.push(JSON.parse(d.toString())));
  cpClients.push(c);
  return new Promise((resolve, reject) => (ws.once('open', () => resolve(c)), ws.once('error', reject)));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-cluster-'));
  mock = await startMockProcess(['--workers', '2', '--ephemeral', '--state-file', join(dir, 'state.json')]);
  mock.child.stderr!.on('data', (d) => process.stderr.write(`[mock] ${d}`));
  // Control-plane clients before any agent, until both workers have one (the kernel spreads them).
  await cpClient();
  await cpClient();
  while ((await cluster()).some((p) => p.controlPlaneClients === 0) && cpClients.length < 40) await cpClient();
  const add = (nodeId: string) => {
    NODES.push(nodeId);
    const a = new FleetAgent({
      url: mock.fleetUrl,
      apiKey: `dev-${nodeId}`,
      nodeId,
      metrics: sampleMetrics,
      heartbeatIntervalMs: 1000,
      sshHost: 'ssh.cluster.test',
      onStartInstance: (cmd) => ({ containerId: `ctr-${cmd.rentalId}` }),
    });
    a.on('start_instance', (cmd) => (started[nodeId] ??= []).push(cmd.rentalId));
    a.on('error', () => {});
    agents.push(a);
    a.connect();
  };
  const allOnline = () => until(async () => (await nodes()).filter((n) => n.connection === 'ONLINE').length === NODES.length, 'every agent online in the home worker\'s state', WAIT);
  for (let i = 0; i < 6; i++) add(`cl-${i}`);
  await allOnline();
  // Workers accept from one shared socket (SCHED_NONE): a few agents may all land on one.
  while ((await cluster()).some((p) => p.nodes.length === 0) && NODES.length < 60) {
    for (let i = 0; i < 4; i++) add(`cl-${NODES.length}`);
    await allOnline();
  }
}, 120_000);

afterAll(async () => {
  for (const a of agents) a.close();
  for (const c of cpClients) c.ws.terminate();
  await mock?.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('fleetwire-mock --workers 2', () => {
  it('runs two workers behind the same ports and spreads the agents over both', async () => {
    expect(mock.workers).toHaveLength(2);
    expect(new Set(mock.workers).size).toBe(2);
    expect(mock.workers).not.toContain(mock.pid);
    // Without V8's memory reducer (primary.ts says why: synchronized post-ramp GCs stalled 100k runs).
    for (const pid of mock.workers) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--no-memory-reducer');
    const ps = await cluster();
    expect(ps.map((p) => p.pid).sort()).toEqual([...mock.workers].sort());
    expect(ps.filter((p) => p.home)).toHaveLength(1);
    expect(ps.flatMap((p) => p.nodes).sort()).toEqual([...NODES].sort());
    for (const p of ps) expect(p.nodes.length, `worker ${p.pid} holds agents`).toBeGreaterThan(0);
    for (const p of ps) expect(p.controlPlaneClients, `worker ${p.pid} holds control-plane clients`).toBeGreaterThan(0);
  }, 90_000);

  it('an admin command reaches an agent on the worker that does not serve the admin API; its rental is visible and stoppable', async () => {
    const away = (await cluster()).find((p) => !p.home)!.nodes[0]!;
    const r = await mock.post(`/api/nodes/${away}/start_instance`, startCmd('cl-rental-1'));
    expect(r).toMatchObject({ status: 200, json: { sent: true, acked: true } });
    expect(started[away]).toEqual(['cl-rental-1']);
    const running = await until(async () => (await nodes()).find((n) => n.nodeId === away)?.rentals.find((x) => x.rentalId === 'cl-rental-1' && x.state === 'running'), 'the rental running in the state', WAIT);
    expect(running).toBeTruthy();
    const containerId = (await facts()).find((f) => f.rentalId === 'cl-rental-1')!.containerId;
    const s = await mock.post(`/api/nodes/${away}/stop_instance`, { rentalId: 'cl-rental-1', containerId });
    expect(s).toMatchObject({ status: 200, json: { sent: true, acked: true } });
    await until(async () => (await nodes()).find((n) => n.nodeId === away)?.rentals.find((x) => x.rentalId === 'cl-rental-1')?.state === 'stopped', 'the rental stopped', WAIT);
    // A node no worker knows is a 404, as in one process.
    expect((await mock.post('/api/nodes/nobody/start_instance', startCmd('cl-x'))).status).toBe(404);
  }, 90_000);

  it('lifecycle facts are recorded once although every agent reconnects (to any worker) and reports its rentals again', async () => {
    const home = (await cluster()).find((p) => p.home)!.nodes[0]!;
    expect((await mock.post(`/api/nodes/${home}/start_instance`, startCmd('cl-rental-2'))).json).toMatchObject({ sent: true, acked: true });
    await until(async () => (await facts()).some((f) => f.rentalId === 'cl-rental-2'), 'fact of cl-rental-2', WAIT);
    const before = (await nodes()).reduce((s, n) => s + n.heartbeats, 0);
    // Drop every fleet connection on every worker: agents reconnect, round-robin may land them elsewhere,
    // and each re-sends instance_started for its running rental (fleet.md decisions).
    const dropped = await mock.post('/api/faults/drop', { dialect: 'fleet' });
    expect((dropped.json as { dropped: number }).dropped).toBe(NODES.length);
    await until(async () => (await facts()).find((f) => f.rentalId === 'cl-rental-2' && f.event === 'instance_started')?.receipts === 2, 'the repeat of cl-rental-2 counted as a receipt', WAIT);
    await until(async () => (await nodes()).filter((n) => n.connection === 'ONLINE').length === NODES.length, 'every agent back online', WAIT);
    const all = await facts();
    const keys = all.map(factKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(all.filter((f) => f.rentalId === 'cl-rental-2')).toHaveLength(1);
    // Heartbeats keep arriving in the one state (batched per worker, coalesced per node).
    await until(async () => (await nodes()).reduce((s, n) => s + n.heartbeats, 0) > before, 'heartbeats counted after the reconnect', WAIT);
  }, 90_000);

  it('every control-plane client, on either worker, gets every worker\'s events exactly once', async () => {
    for (const c of cpClients) {
      await until(() => c.events.filter((e) => e.event === 'instance:created' && e.data.instanceId === 'cl-rental-2').length === 1, 'instance:created of cl-rental-2', WAIT);
      const registered = new Set(c.events.filter((e) => e.event === 'agent:registered').map((e) => e.data.agentId));
      expect([...registered].sort()).toEqual([...NODES].sort());
      expect(c.events.filter((e) => e.event === 'instance:created' && e.data.instanceId === 'cl-rental-1')).toHaveLength(1);
      expect(c.events.filter((e) => e.event === 'instance:status_changed' && e.data.instanceId === 'cl-rental-1')).toHaveLength(1);
    }
  }, 90_000);

  it('/metrics sums the workers: open fleet connections and nodes online', async () => {
    const text = await (await fetch(`${mock.adminUrl}/metrics`)).text();
    const value = (re: RegExp) => Number(re.exec(text)?.[1]);
    expect(value(/^fleetwire_mock_open_connections\{dialect="fleet"\} (\d+)/m)).toBe(NODES.length);
    expect(value(/^fleetwire_mock_nodes\{state="online"\} (\d+)/m)).toBe(NODES.length);
    // Counted on both workers and added up: more heartbeat acks than one worker could have sent alone.
    expect(value(/^fleetwire_mock_ack_latency_seconds_count\{event="heartbeat"\} (\d+)/m)).toBeGreaterThanOrEqual(NODES.length);
  }, 90_000);

  it('monitor, vstats and lightd are served (by the home worker) as in one process; the status page answers', async () => {
    const e = mock.endpoints;
    const m = rawClient(`ws://127.0.0.1:${e.monitor!.port}/api/v1/agents/ws`);
    m.send({ type: 'auth', api_key: 'dev-srv-1' });
    expect(await m.next(WAIT)).toMatchObject({ type: 'auth_success' });
    m.ws.close();

    const v = rawClient(`ws://127.0.0.1:${e.vstats!.port}/ws/agent?token=fleetwire-dev-key&name=v1`);
    expect(await v.refused).toBeNull();
    v.send({ type: 'heartbeat', timestamp: new Date().toISOString() });
    await until(async () => (await mock.get<{ vstats: { name: string }[] }>('/api/servers')).vstats.some((s) => s.name === 'v1'), 'the vstats agent listed', WAIT);
    v.ws.close();

    expect((await mock.post('/api/lightd/containers', { internalId: 'lc-1' })).status).toBe(200);
    const t = (await mock.post('/api/lightd/tokens', { internalId: 'lc-1', ttlSeconds: 60 })).json as { token: string };
    const l = rawClient(`ws://127.0.0.1:${e.lightd!.port}/ws/lc-1?token=${t.token}`);
    expect(await l.refused).toBeNull();
    expect(await l.next(WAIT)).toHaveProperty('event');
    l.ws.close();

    const page = await fetch(`${mock.adminUrl}/`);
    expect(page.status).toBe(200);
  }, 90_000);

  it('SIGTERM stops every worker and the primary writes --state-file with every fact; a restart reads it', async () => {
    for (const a of agents) a.close();
    const before = await facts();
    expect((await mock.stop('SIGTERM')).code).toBe(0);
    for (const pid of mock.workers) expect(() => process.kill(pid, 0), `worker ${pid} gone`).toThrow();
    const saved = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { facts: FactJson[] };
    expect(saved.facts.map(factKey).sort()).toEqual(before.map(factKey).sort());
    mock = await startMockProcess(['--workers', '2', '--ephemeral', '--state-file', join(dir, 'state.json')]);
    expect((await facts()).map(factKey).sort()).toEqual(before.map(factKey).sort());
    expect((await nodes()).every((n) => n.connection === 'OFFLINE')).toBe(true);
  }, 120_000);
});
