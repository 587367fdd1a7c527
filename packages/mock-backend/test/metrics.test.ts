/** /metrics on the admin port: the counters move when FleetAgent traffic flows. */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import type { Scheduler } from '@fleetwire/sdk';
import { admin, fleetAgent, until } from './admin-helpers.js';

const KEY = 'metrics-key';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One sample's value from the exposition text; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([^{\s]+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',');
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('/metrics', () => {
  it('counts connections, messages per type, ack latency, auth failures, protocol errors and nodes by state', async () => {
    const b: MockBackend = await startMockBackend({ ephemeral: true, keys: [KEY] });
    cleanups.push(() => b.close());
    const scrape = async () => {
      const r = await admin(b.adminUrl!, null, 'GET', '/metrics'); // public, like a Prometheus scrape
      expect(r.status).toBe(200);
      return r.json as string;
    };
    const before = await scrape();
    expect(sample(before, 'fleetwire_mock_open_connections', { dialect: 'fleet' })).toBe(0);
    expect(sample(before, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'in', type: 'heartbeat' })).toBe(0);

    const ticks: (() => void)[] = [];
    const scheduler: Scheduler = { every: (_i, fn) => (ticks.push(fn), () => {}) };
    const a = fleetAgent(b.fleetUrl, KEY, 'm-1', { scheduler });
    cleanups.push(() => a.close());
    a.connect();
    await new Promise((r) => a.once('heartbeat_ack', r));
    for (let i = 0; i < 4; i++) {
      const acked = new Promise((r) => a.once('heartbeat_ack', r));
      ticks[0]!();
      await acked;
    }
    const bad = fleetAgent(b.fleetUrl, 'wrong-key', 'intruder');
    cleanups.push(() => bad.close());
    bad.on('error', () => {});
    bad.connect();
    await until(() => b.fleet.counters.authFailures === 1, 'auth failure');
    b.fleet.sendRaw('m-1', 'drain_node', { bogus: true }); // the agent nacks it: out counted
    // The refused agent's transport closes a moment after its auth error.
    const during = (await until(async () => {
      const t = await scrape();
      return sample(t, 'fleetwire_mock_open_connections', { dialect: 'fleet' }) === 1 && t;
    }, 'one open fleet connection')) as string;
    expect(sample(during, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'in', type: 'heartbeat' })).toBe(5);
    expect(sample(during, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'out', type: 'ack:heartbeat' })).toBe(5);
    expect(sample(during, 'fleetwire_mock_messages_total', { dialect: 'fleet', direction: 'out', type: 'drain_node' })).toBe(1);
    expect(sample(during, 'fleetwire_mock_ack_latency_seconds_count', { event: 'heartbeat' })).toBe(5);
    expect(sample(during, 'fleetwire_mock_ack_latency_seconds_sum', { event: 'heartbeat' })).toBeGreaterThan(0);
    expect(sample(during, 'fleetwire_mock_auth_failures_total', { dialect: 'fleet' })).toBe(1);
    expect(sample(during, 'fleetwire_mock_nodes', { state: 'online' })).toBe(1);

    // A protocol error: an event the control plane does not know.
    const sock = (a as unknown as { socket: { emit(e: string, p: unknown): void } }).socket;
    sock.emit('no_such_event', {});
    await until(() => b.fleet.counters.protocolErrors === 1, 'protocol error');
    await a.close();
    await until(() => b.state.fleet.summary().offline === 1, 'offline');
    const after = await scrape();
    expect(sample(after, 'fleetwire_mock_protocol_errors_total', { dialect: 'fleet' })).toBe(1);
    expect(sample(after, 'fleetwire_mock_nodes', { state: 'online' })).toBe(0);
    expect(sample(after, 'fleetwire_mock_nodes', { state: 'offline' })).toBe(1);
    await until(async () => sample(await scrape(), 'fleetwire_mock_open_connections', { dialect: 'fleet' }) === 0, 'connection gone');
  });
});
