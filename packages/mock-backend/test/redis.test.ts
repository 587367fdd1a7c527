/**
 * `fleetwire-mock --redis-url` (issue 12, "past one machine"): two mock
 * processes share a Redis this test starts itself (Debian's redis-server on a
 * free port, no persistence, stopped by pid). An agent connected to mock A gets
 * a command issued through mock B's admin API (B runs --workers 2: the Redis
 * adapter joins every worker of every mock), and B's control-plane clients see
 * A's fleet events. Skipped, saying why, only when redis-server is absent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FleetAgent } from '@fleetwire/sdk';
import { startMockProcess, type MockProcess } from '../../../test-support/mock-process.js';
import { sampleMetrics, startCmd, until } from '../../../test-support/index.js';
import { redisAdapterHandle } from '../src/cluster/adapter.js';

const REDIS = spawnSync('redis-server', ['--version']).status === 0;
const WAIT = 30_000;

/** A port nobody listens on right now: bind 0, read it, close. Redis cannot take port 0 itself. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts redis-server on a free port; resolves when it accepts connections. */
async function startRedis(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server gave no "Ready" line within 20 s:\n${out}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`redis-server exited (${code}):\n${out}`))));
  });
  return { child, url: `redis://127.0.0.1:${port}` };
}

let redis: { child: ChildProcess; url: string } | null = null;
let a: MockProcess | null = null;
let b: MockProcess | null = null;
const agents: FleetAgent[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
  if (!REDIS) return;
  redis = await startRedis();
  // A is one process; B is a cluster of two workers, both on the Redis adapter.
  [a, b] = await Promise.all([startMockProcess(['--ephemeral', '--redis-url', redis.url]), startMockProcess(['--ephemeral', '--redis-url', redis.url, '--workers', '2'])]);
}, 120_000);

afterAll(async () => {
  for (const x of agents) x.close();
  for (const s of sockets) s.terminate();
  await Promise.all([a?.stop('SIGTERM'), b?.stop('SIGTERM')]);
  if (redis?.child.pid) {
    const gone = new Promise((r) => redis!.child.once('exit', r));
    process.kill(redis.child.pid, 'SIGTERM');
    await gone;
  }
}, 60_000);

describe.skipIf(!REDIS)('fleetwire-mock --redis-url (two mocks, one Redis)', () => {
  it('an agent on mock A gets a command issued through mock B\'s admin API; B\'s control-plane clients see A\'s events', async () => {
    const cp = new WebSocket(`ws://127.0.0.1:${b!.fleetPort}/ws`);
    sockets.push(cp);
    const events: { event: string; data: Record<string, unknown> }[] = [];
    cp.on('message', (d) => events.push(JSON.parse(d.toString())));
    await new Promise((resolve, reject) => (cp.once('open', resolve), cp.once('error', reject)));

    const got: string[] = [];
    const agent = new FleetAgent({
      url: a!.fleetUrl,
      apiKey: 'dev-redis-node',
      nodeId: 'redis-node',
      metrics: sampleMetrics,
      heartbeatIntervalMs: 1000,
      sshHost: 'ssh.redis.test',
      onStartInstance: (cmd) => (got.push(cmd.rentalId), { containerId: `ctr-${cmd.rentalId}` }),
    });
    agent.on('error', () => {});
    agents.push(agent);
    agent.connect();
    await until(async () => (await a!.get<{ nodes: { nodeId: string; connection: string }[] }>('/api/nodes')).nodes.some((n) => n.nodeId === 'redis-node' && n.connection === 'ONLINE'), 'the agent online on A', WAIT);
    // B holds no state of A's node (the fleet state is per mock): the command goes out through Redis.
    expect((await b!.get<{ nodes: unknown[] }>('/api/nodes')).nodes).toEqual([]);
    const r = await b!.post('/api/nodes/redis-node/start_instance', startCmd('redis-rental-1'));
    expect(r).toMatchObject({ status: 200, json: { sent: true, acked: true } });
    expect(got).toEqual(['redis-rental-1']);
    // The rental lands in A's state (where the agent reported it).
    await until(async () => (await a!.get<{ rentals: { rentalId: string; state: string }[] }>('/api/rentals')).rentals.some((x) => x.rentalId === 'redis-rental-1' && x.state === 'running'), 'the rental running on A', WAIT);
    // A's bus, relayed through Redis to B's /ws client: once each.
    await until(() => events.some((e) => e.event === 'instance:created' && e.data.instanceId === 'redis-rental-1'), 'instance:created on B\'s control-plane stream', WAIT);
    expect(events.filter((e) => e.event === 'agent:registered' && e.data.agentId === 'redis-node')).toHaveLength(1);
    expect(events.filter((e) => e.event === 'instance:created' && e.data.instanceId === 'redis-rental-1')).toHaveLength(1);
    // No mock has this node: 404, after asking every peer.
    expect((await b!.post('/api/nodes/nobody/start_instance', startCmd('redis-x'))).status).toBe(404);
    // B's /api/cluster lists every process on the Redis: A, and B's two workers.
    const procs = (await b!.get<{ processes: { pid: number; nodes: string[] }[] }>('/api/cluster')).processes;
    expect(b!.workers).toHaveLength(2);
    expect(procs.map((p) => p.pid).sort()).toEqual([a!.pid, ...b!.workers].sort());
    expect(procs.find((p) => p.pid === a!.pid)?.nodes).toEqual(['redis-node']);
  }, 90_000);

  it('a Redis URL nobody answers is an error at start, not a mock that silently reaches no peer', async () => {
    const port = await freePort();
    await expect(redisAdapterHandle(`redis://127.0.0.1:${port}`)).rejects.toThrow(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});
