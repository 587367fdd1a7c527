/**
 * The framing against fleetwire's own mock backend (the control plane the k6
 * fleet script is pointed at by default): raw `ws` + SocketIoClient + the fleet
 * builders, exactly what one k6 VU does.
 */
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AckResult } from './acks.ts';
import { SocketIoClient } from './client.ts';
import { nodeIdFor } from './config.ts';
import { fleetHeartbeat, fleetInstanceStarted, type StartInstanceLike } from './fleet.ts';
import { HostModel } from './host.ts';
import { engineUrl } from './socketio.ts';

async function until<T>(fn: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let backend: MockBackend | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await backend?.close();
  backend = undefined;
});

function agent(url: string, key: string, nodeId: string) {
  const ws = new WebSocket(engineUrl(url), { headers: { Authorization: `Bearer ${key}` } });
  sockets.push(ws);
  const log = { connected: false, refused: '', pings: 0, errors: [] as string[], started: [] as AckResult[] };
  const client: SocketIoClient = new SocketIoClient(
    { namespace: '/fleet', auth: { token: key, nodeId }, send: (f) => ws.send(f) },
    {
      onConnect: () => (log.connected = true),
      onConnectError: (m) => (log.refused = m),
      onPing: () => log.pings++,
      onProtocolError: (c, m) => log.errors.push(`${c}: ${m}`),
      onEvent: (name, args, reply) => {
        reply?.();
        if (name === 'start_instance') client.emit('instance_started', fleetInstanceStarted(args[0] as StartInstanceLike, nodeId), (r) => log.started.push(r));
      },
    },
  );
  ws.on('message', (d) => client.handleFrame(d.toString()));
  return { client, log };
}

describe('SocketIoClient against @fleetwire/mock-backend', () => {
  it('connect → auth → heartbeat acked by id → command answered → ping/pong', async () => {
    backend = await startMockBackend({ fleetPort: 0, keys: ['k6-key-1'], pingIntervalMs: 200 });
    const nodeId = nodeIdFor(1);
    const { client, log } = agent(backend.fleetUrl, 'k6-key-1', nodeId);
    await until(() => log.connected);
    expect(backend.state.fleet.node(nodeId).connection).toBe('ONLINE');

    const host = new HostModel(1);
    const acks: AckResult[] = [];
    for (let i = 0; i < 3; i++) {
      host.step(5);
      client.emit('heartbeat', fleetHeartbeat(nodeId, 'online', host), (r) => acks.push(r));
    }
    await until(() => acks.length === 3);
    expect(acks.map((a) => [a.id, a.args])).toEqual([
      [0, [{ success: true }]],
      [1, [{ success: true }]],
      [2, [{ success: true }]],
    ]);
    expect(backend.state.fleet.node(nodeId).heartbeats).toBe(3);

    const res = await backend.fleet.startInstance(nodeId, {
      rentalId: 'rental-1',
      image: 'pytorch/pytorch:2.0.1',
      resourceLimits: { gpuIndices: ['0'], cpuCores: 4, ramLimit: '16g', diskLimit: '100g' },
      proxyPortMapping: { '22': 10022 },
    });
    expect(res).toMatchObject({ sent: true, acked: true });
    await until(() => log.started.length === 1);
    expect(log.started[0]?.args).toEqual([{ success: true }]);
    expect(backend.state.fleet.node(nodeId).rentals.get('rental-1')?.state).toBe('running');

    // With pingInterval 200 ms, several pings only keep coming if every one was answered.
    await until(() => log.pings >= 3, 4000);
    expect(backend.fleet.connectedNodes()).toEqual([nodeId]);
    expect(log.errors).toEqual([]);
  });

  it('a bad key is refused with the server’s message', async () => {
    backend = await startMockBackend({ fleetPort: 0, keys: ['good'] });
    const { log } = agent(backend.fleetUrl, 'bad', nodeIdFor(2));
    await until(() => log.refused);
    expect(log.refused).toBe('invalid API key');
    expect(backend.fleet.counters.authFailures).toBe(1);
  });
});
