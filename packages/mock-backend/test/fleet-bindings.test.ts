/**
 * A fleet key stands for one node and a node for one key (fleet.md: "a unique key
 * associated with a registered node"; issue 15, item 3). Claiming another key's
 * node is refused at the handshake — an explicit refusal the SDK treats as final —
 * and the real agent keeps its connection and its commands.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import { ErrorCodes, type FleetAgent, type FleetwireError } from '@fleetwire/sdk';
import { KeyStore, devKeyFor, startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { fleetAgent, sampleMetrics, until } from './admin-helpers.js';
import { once } from '../../../test-support/index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function backend(keys: KeyStore | string[]): Promise<MockBackend> {
  const b = await startMockBackend({ fleetPort: 0, ports: { controlPlane: false, vstats: false, lightd: false, monitor: false, admin: false }, keys });
  cleanups.push(() => b.close());
  return b;
}

function agent(b: MockBackend, key: string, nodeId: string): FleetAgent {
  const a = fleetAgent(b.fleetUrl, key, nodeId);
  a.on('error', () => {});
  cleanups.push(() => a.close());
  return a;
}

async function connected(a: FleetAgent): Promise<void> {
  const ack = once(a, 'heartbeat_ack', 10_000);
  a.connect();
  await ack;
}

async function refused(a: FleetAgent): Promise<FleetwireError> {
  const errors: FleetwireError[] = [];
  a.on('error', (e: FleetwireError) => errors.push(e));
  a.connect();
  await until(() => a.state === 'closed', 'the claim refused for good', 10_000);
  return errors.find((e) => e.code === ErrorCodes.FW_AUTH_REJECTED)!;
}

describe('fleet: keys bound to their nodes', () => {
  it("key #2 claiming key #1's node is refused; the real agent keeps its connection and its commands", async () => {
    const b = await backend(['key-1', 'key-2']);
    const real = agent(b, 'key-1', 'node-1');
    await connected(real);
    let kicked = 0;
    real.on('disconnected', () => kicked++);

    const err = await refused(agent(b, 'key-2', 'node-1'));
    expect(err.message).toMatch(/node refused: node node-1 is registered with another key/);
    expect(b.fleet.counters.nodeRefusals).toBe(1);

    const drained = once<[{ nodeId: string }]>(real, 'drain_node', 10_000);
    expect(await b.fleet.drainNode('node-1', 'maintenance')).toMatchObject({ sent: true, acked: true });
    expect((await drained)[0].nodeId).toBe('node-1');
    expect(kicked).toBe(0);
    expect(real.state).toBe('connected');
  });

  it('a key without a configured node may register several nodes, each then its own', async () => {
    const b = await backend(['key-1', 'key-2']);
    await connected(agent(b, 'key-1', 'node-1'));
    await connected(agent(b, 'key-1', 'node-2'));
    expect((await refused(agent(b, 'key-2', 'node-2'))).message).toMatch(/node node-2 is registered with another key/);
    expect(b.fleet.connectedNodes().sort()).toEqual(['node-1', 'node-2']);
  });

  it('configured pairs (keys file "KEY NODE_ID" lines) bind before first use', async () => {
    const keys = new KeyStore(...(() => {
      const entries = KeyStore.parseEntries('# keys\nkey-1 node-1\nkey-2 node-2\n');
      return [entries.map((e) => e.key), entries.map((e) => [e.key, e.nodeId!] as const)] as const;
    })());
    const b = await backend(keys);
    // node-1 has never connected, yet key-2 may not have it.
    expect((await refused(agent(b, 'key-2', 'node-1'))).message).toMatch(/this key is bound to node node-2, not node-1/);
    await connected(agent(b, 'key-2', 'node-2'));
  });

  it('a raw client naming its node only in heartbeats gets {success:false} for a node that is not its own', async () => {
    const b = await backend(['key-1', 'key-2']);
    await connected(agent(b, 'key-1', 'node-1'));
    const s = ioClient(`${b.fleetUrl}/fleet`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: 'key-2' } });
    cleanups.push(() => s.disconnect());
    await new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
    const ack = await s.timeout(10_000).emitWithAck('heartbeat', { nodeId: 'node-1', status: 'online', metrics: sampleMetrics() });
    expect(ack).toEqual({ success: false, error: expect.stringMatching(/node node-1 is not this key's node/) });
    expect(b.fleet.connectedNodes()).toEqual(['node-1']);
  });

  it('dev mode: per-node dev-<id> keys pair with no configuration and stand for their node only', async () => {
    const b = await backend(new KeyStore());
    await connected(agent(b, devKeyFor('gpu-1'), 'gpu-1'));
    await connected(agent(b, devKeyFor('gpu-2'), 'gpu-2'));
    expect((await refused(agent(b, devKeyFor('gpu-2'), 'gpu-1'))).message).toMatch(/bound to node gpu-2, not gpu-1/);
    await connected(agent(b, 'fleetwire-dev-key', 'shared-1'));
    await connected(agent(b, 'fleetwire-dev-key', 'shared-2'));
    // …but a node registered with a per-node key is still not the shared key's to take.
    expect((await refused(agent(b, 'fleetwire-dev-key', 'gpu-1'))).message).toMatch(/node gpu-1 is registered with another key/);
  });
});
