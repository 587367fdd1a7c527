/**
 * FleetAgent never claims `connected` without a live link (issue 15, item 1):
 * a malformed Socket.IO packet right behind the connect ack, a link that stops
 * acknowledging heartbeats, and dropConnection() on such a link all end in a
 * fresh connection, not a zombie that reports `connected` forever.
 */
import { describe, expect, it } from 'vitest';
import type { MockBackend } from '@fleetwire/mock-backend';
import { FleetAgent, type FleetAgentOptions, type StateTransition } from '@fleetwire/sdk';
import { fleetFixture } from './fleet-fixture.js';
import { once, until } from './helpers.js';

const fx = fleetFixture();
const { cleanups, backend } = fx;
/** The fixture's agent; its error events (ack timeouts, drops) are what these tests provoke. */
function agent(b: { fleetUrl: string }, over: Partial<FleetAgentOptions> = {}): FleetAgent {
  const a = fx.agent(b, over);
  a.on('error', () => {});
  return a;
}

const connections = (b: MockBackend) => b.state.fleet.nodes.get('node-1')?.connections ?? 0;

describe('FleetAgent dead links', () => {
  it('a malformed packet right behind the connect ack ends in a live reconnect, not a zombie', async () => {
    const b = await backend();
    let poisoned = 0;
    // The first connection gets a packet the Socket.IO decoder cannot parse, in the
    // same tick as the CONNECT ack: the client's transport closes with "parse error".
    b.fleet.nsp.on('connection', (s) => {
      if (poisoned++ === 0) s.conn.write('9not a socket.io packet');
    });
    const a = agent(b);
    // Counted from the start: the ack on the second connection may come before the poll below sees it.
    let acks = 0;
    a.on('heartbeat_ack', () => acks++);
    a.connect();
    await until(() => connections(b) >= 2, 'the agent reconnected after the parse error', 10_000);
    await until(() => acks >= 1, 'a heartbeat acked on the fresh connection', 10_000);
    expect(a.state).toBe('connected');
  });

  it('heartbeats that go unacknowledged twice in a row mean a dead link: dropped and reconnected', async () => {
    const b = await backend();
    const a = agent(b, { heartbeatIntervalMs: 50, ackTimeoutMs: 150 });
    a.connect();
    await once(a, 'heartbeat_ack');
    const path: string[] = [];
    a.on('state', (t: StateTransition) => path.push(`${t.to}:${t.code}:${t.reason}`));
    // The server stops reading and writing on the open connection (a half-open link):
    // socket.io's own ping timeout (45 s here) would take far longer than the test.
    expect(b.faults.silence({ dialect: 'fleet' }).silenced).toBe(1);
    cleanups.push(() => b.faults.clear()); // a silenced socket would hold up the backend's close
    await until(() => connections(b) >= 2, 'a fresh connection after the missed acks', 10_000);
    await once(a, 'heartbeat_ack', 10_000);
    expect(path[0]).toMatch(/^reconnecting:CONNECTION_LOST:2 heartbeats in a row not acknowledged$/);
    expect(a.state).toBe('connected');
  });

  it('dropConnection() works on a link whose transport died without socket.io noticing', async () => {
    const b = await backend();
    const a = agent(b);
    a.connect();
    await once(a, 'heartbeat_ack');
    // Deaf engine: its close is never heard by socket.io-client, which keeps saying
    // "connected" (the zombie state). dropConnection() must still get the agent out.
    const engine = (a as unknown as { socket: { io: { engine: { off(): void; transport: { close(): void } } } } }).socket.io.engine;
    engine.off();
    engine.transport.close();
    const reconnected = once(a, 'connected', 10_000);
    let acks = 0;
    a.on('heartbeat_ack', () => acks++);
    a.dropConnection();
    await reconnected;
    await until(() => connections(b) >= 2, 'second connection seen by the backend', 10_000);
    await until(() => acks >= 1, 'a heartbeat acked on the new connection', 10_000);
  });

  it('a server kick before the first ack reconnects with backoff; it is not a key refusal', async () => {
    const b = await backend();
    b.faults.setAckDelay(60_000); // nothing is acked: the kick lands "before the first ack"
    const a = agent(b);
    const path: string[] = [];
    a.on('state', (t: StateTransition) => path.push(`${t.to}:${t.code}`));
    a.connect();
    await once(a, 'connected');
    // The same node connects again (an agent restart): newest wins, `a` gets "io server disconnect".
    const intruder = agent(b);
    const kicked = once<[{ reason: string }]>(a, 'disconnected');
    intruder.connect();
    const [{ reason }] = await kicked;
    expect(reason).toBe('io server disconnect');
    intruder.close();
    b.faults.clear();
    await until(() => a.state === 'connected' && path.length >= 4, 'a reconnected after the kick', 10_000);
    expect(path.slice(0, 3)).toEqual(['connecting:CONNECT_CALLED', 'connected:CONNECTED', 'reconnecting:CONNECTION_LOST']);
    expect(path).not.toContain('closed:AUTH_REJECTED');
  });
});
