/**
 * The same socket-level scenarios for both fleet transports the simulator can
 * use under FleetAgent — socket.io-client (the SDK default) and the lean one
 * (src/transport/) — against the mock backend and against a bare Socket.IO
 * server (no fleetwire code on the server side). The lean transport has to keep
 * every promise FleetAgent makes over socket.io-client: auth in the header and
 * in the handshake, heartbeats acked with an RTT, commands, the acked outbox
 * (per-message timeout, resend, delivery after reconnect, exactly once),
 * re-report on reconnect, backoff, typed FW_* errors, dead links and kicks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { ErrorCodes, FleetAgent, type FleetAgentOptions, type FleetwireError, type IoFactory, type Scheduler, type StateTransition } from '@fleetwire/sdk';
import { io as socketIoClient } from 'socket.io-client';
import { leanIo } from '../src/transport/lean-io.js';
import { LeanHub } from '../src/transport/hub.js';
import { once, sampleMetrics, startCmd, testAgentOptions, until } from '../../../test-support/index.js';
import { startBareFleetServer, type BareFleetServer } from './bare-fleet-server.js';

const KEY = 'transport-key';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A hub per test file: its wheel and ack table are what the lean agents share. */
const hub = new LeanHub();
const TRANSPORTS: [string, IoFactory][] = [
  ['socket.io-client', socketIoClient as unknown as IoFactory],
  ['lean', leanIo(hub)],
];

function makeAgent(io: IoFactory, url: string, over: Partial<FleetAgentOptions> = {}): FleetAgent {
  const a = new FleetAgent(testAgentOptions(url, KEY, { io, ...over }));
  cleanups.push(() => a.close());
  return a;
}

async function mock(port = 0): Promise<MockBackend> {
  const b = await startMockBackend({ host: '127.0.0.1', keys: [KEY], record: true, ports: { fleet: port, controlPlane: false, vstats: false, lightd: false, monitor: false, admin: false } });
  cleanups.push(() => b.close());
  return b;
}

async function bare(o: Partial<Parameters<typeof startBareFleetServer>[0]> = {}): Promise<BareFleetServer> {
  const s = await startBareFleetServer({ key: KEY, ...o });
  cleanups.push(() => s.close());
  return s;
}

describe.each(TRANSPORTS)('FleetAgent over %s', (_name, io) => {
  describe('against the mock backend', () => {
    it('a bad key is a terminal FW_AUTH_REJECTED: no retry loop', async () => {
      const b = await mock();
      const a = makeAgent(io, b.fleetUrl, { apiKey: 'wrong', backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
      const transitions: string[] = [];
      a.on('state', (t: StateTransition) => transitions.push(`${t.to}:${t.code}`));
      const errorP = once<[FleetwireError]>(a, 'error');
      a.connect().catch(() => {});
      const [err] = await errorP;
      expect(err.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
      await until(() => a.state === 'closed', 'agent closed');
      expect(transitions).toEqual(['connecting:CONNECT_CALLED', 'closed:AUTH_REJECTED']);
      await new Promise((r) => setTimeout(r, 100));
      expect(b.fleet.counters.authFailures).toBe(1);
    });

    it('heartbeats at once on connect, then on every tick, each acked with an RTT; the backend sees the metrics', async () => {
      const b = await mock();
      const ticks: (() => void)[] = [];
      const manual: Scheduler = { every: (_i, fn) => (ticks.push(fn), () => {}) };
      const a = makeAgent(io, b.fleetUrl, { heartbeatIntervalMs: 5000, scheduler: manual });
      const first = once<[{ rttMs: number }]>(a, 'heartbeat_ack');
      a.connect();
      expect((await first)[0].rttMs).toBeGreaterThan(0);
      for (let i = 0; i < 3; i++) {
        const ack = once(a, 'heartbeat_ack');
        ticks[0]!();
        await ack;
      }
      const node = b.state.fleet.nodes.get('node-1')!;
      expect(node.heartbeats).toBe(4);
      expect(node.lastMetrics).toEqual(sampleMetrics());
    });

    it('start_instance → instance_started (acked), stop_instance → instance_stopped, drain_node → maintenance', async () => {
      const b = await mock();
      const a = makeAgent(io, b.fleetUrl);
      a.connect();
      await once(a, 'heartbeat_ack');
      let d = once<[string, unknown]>(a, 'delivered');
      expect(await b.fleet.startInstance('node-1', startCmd('r1'))).toMatchObject({ sent: true, acked: true });
      expect(await d).toEqual(['instance_started', { rentalId: 'r1', containerId: 'ctr-r1', connectionInfo: { sshHost: 'proxy.test', sshPort: 10022 } }]);
      d = once(a, 'delivered');
      await b.fleet.stopInstance('node-1', { rentalId: 'r1', containerId: 'ctr-r1', graceful: true, timeoutSeconds: 30 });
      expect((await d)[0]).toBe('instance_stopped');
      const drained = once(a, 'drained');
      await b.fleet.drainNode('node-1', 'maintenance');
      await drained;
      await until(() => b.state.fleet.nodes.get('node-1')!.agentStatus === 'maintenance', 'backend sees maintenance');
    });

    it('bad input from the control plane is a typed protocol error; the agent stays connected', async () => {
      const b = await mock();
      const a = makeAgent(io, b.fleetUrl);
      const errors: FleetwireError[] = [];
      a.on('error', (e) => errors.push(e));
      a.connect();
      await once(a, 'heartbeat_ack');
      b.fleet.sendRaw('node-1', 'start_instance', { rentalId: 42 });
      b.fleet.sendRaw('node-1', 'reboot_everything', {});
      await until(() => errors.length >= 2, 'two errors');
      expect(errors.map((e) => e.code)).toEqual([ErrorCodes.FW_PROTOCOL_INVALID, ErrorCodes.FW_PROTOCOL_UNKNOWN]);
      expect(a.state).toBe('connected');
      const ack = once(a, 'heartbeat_ack');
      await a.heartbeatNow();
      await ack;
    });

    it('after a backend restart: reconnects, heartbeats first, re-reports running containers; an event from the outage arrives once', async () => {
      const b1 = await mock();
      const a = makeAgent(io, b1.fleetUrl);
      a.on('error', () => {});
      a.connect();
      await once(a, 'heartbeat_ack');
      let d = once(a, 'delivered');
      await b1.fleet.startInstance('node-1', startCmd('r1'));
      await b1.fleet.startInstance('node-1', startCmd('r2'));
      await d;
      await until(() => a.instances.size === 2 && a.pendingEvents.length === 0, 'both started and acked');
      const port = b1.fleetPort;
      const lost = once(a, 'disconnected');
      await b1.close();
      await lost;
      a.reportStopped('r2', 'timeout', 'exceeded its limit');
      expect(a.pendingEvents.map((e) => e.event)).toEqual(['instance_stopped']);
      const b2 = await mock(port);
      d = once(a, 'delivered', 10_000);
      await once(a, 'connected', 10_000);
      await until(() => b2.state.fleet.factsOf('instance_started', 'r1').length === 1 && b2.state.fleet.factsOf('instance_stopped', 'r2').length === 1, 'r1 re-reported, r2 stop delivered', 10_000);
      expect(b2.fleet.received[0]?.event).toBe('heartbeat');
      expect(b2.fleet.received.filter((r) => r.event === 'instance_stopped')).toHaveLength(1);
      expect(b2.fleet.received.filter((r) => r.event === 'instance_started').map((r) => (r.payload as { rentalId: string }).rentalId)).toEqual(['r1']);
      await until(() => a.pendingEvents.length === 0, 'outbox empty');
    });

    it('dropConnection() is a network failure: reconnects by itself', async () => {
      const b = await mock();
      const a = makeAgent(io, b.fleetUrl);
      a.on('error', () => {});
      a.connect();
      await once(a, 'heartbeat_ack');
      const path: string[] = [];
      a.on('state', (t: StateTransition) => path.push(`${t.to}:${t.code}`));
      a.dropConnection();
      await once(a, 'connected');
      expect(path).toEqual(['reconnecting:CONNECTION_LOST', 'connected:CONNECTED']);
      await until(() => b.state.fleet.nodes.get('node-1')!.connections === 2, 'second connection');
    });

    it('a silent link (no acks) is dropped after two missed heartbeats and reconnected', async () => {
      const b = await mock();
      const a = makeAgent(io, b.fleetUrl, { heartbeatIntervalMs: 50, ackTimeoutMs: 150 });
      a.on('error', () => {});
      a.connect();
      await once(a, 'heartbeat_ack');
      const path: string[] = [];
      a.on('state', (t: StateTransition) => path.push(`${t.to}:${t.code}:${t.reason}`));
      expect(b.faults.silence({ dialect: 'fleet' }).silenced).toBe(1);
      cleanups.push(() => b.faults.clear());
      await until(() => (b.state.fleet.nodes.get('node-1')?.connections ?? 0) >= 2, 'a fresh connection', 10_000);
      await once(a, 'heartbeat_ack', 10_000);
      expect(path[0]).toBe('reconnecting:CONNECTION_LOST:2 heartbeats in a row not acknowledged');
    });

    it('a malformed packet right behind the connect ack ends in a live reconnect, not a zombie', async () => {
      const b = await mock();
      let poisoned = 0;
      b.fleet.nsp.on('connection', (s) => {
        if (poisoned++ === 0) s.conn.write('9not a socket.io packet');
      });
      const a = makeAgent(io, b.fleetUrl);
      a.on('error', () => {});
      let acks = 0;
      a.on('heartbeat_ack', () => acks++);
      a.connect();
      await until(() => (b.state.fleet.nodes.get('node-1')?.connections ?? 0) >= 2 && acks >= 1, 'reconnected and acked', 10_000);
      expect(a.state).toBe('connected');
    });

    it('a server kick before the first ack reconnects with backoff; it is not a key refusal', async () => {
      const b = await mock();
      b.faults.setAckDelay(60_000);
      const a = makeAgent(io, b.fleetUrl);
      a.on('error', () => {});
      const path: string[] = [];
      a.on('state', (t: StateTransition) => path.push(`${t.to}:${t.code}`));
      a.connect();
      await once(a, 'connected');
      const intruder = makeAgent(io, b.fleetUrl);
      intruder.on('error', () => {});
      const kicked = once<[{ reason: string }]>(a, 'disconnected');
      intruder.connect();
      expect((await kicked)[0].reason).toBe('io server disconnect');
      intruder.close();
      b.faults.clear();
      await until(() => a.state === 'connected' && path.length >= 4, 'reconnected after the kick', 10_000);
      expect(path).not.toContain('closed:AUTH_REJECTED');
    });

    it('close() stops everything: no heartbeat after it, the node goes offline', async () => {
      const b = await mock();
      const a = makeAgent(io, b.fleetUrl, { heartbeatIntervalMs: 20 });
      a.connect();
      await once(a, 'heartbeat_ack');
      a.close();
      expect(a.state).toBe('closed');
      await until(() => b.state.fleet.nodes.get('node-1')!.connection === 'OFFLINE', 'node offline');
      const before = b.state.fleet.nodes.get('node-1')!.heartbeats;
      await new Promise((r) => setTimeout(r, 100));
      expect(b.state.fleet.nodes.get('node-1')!.heartbeats).toBe(before);
    });
  });

  describe('against a bare Socket.IO server', () => {
    it.each(['header', 'handshake'] as const)('authenticates with the key in the %s alone', async (authIn) => {
      const s = await bare({ authIn });
      const a = makeAgent(io, s.url);
      a.connect();
      await once(a, 'heartbeat_ack');
      expect(s.authFailures).toBe(0);
      expect(s.received[0]).toMatchObject({ event: 'heartbeat', payload: { nodeId: 'node-1', status: 'online', metrics: sampleMetrics() } });
    });

    it('a refused handshake (CONNECT_ERROR) is FW_AUTH_REJECTED, with retries only when asked for', async () => {
      const s = await bare();
      const a = makeAgent(io, s.url, { apiKey: 'nope', retryOnAuthFailure: true, backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
      const codes: string[] = [];
      a.on('error', (e) => codes.push(e.code));
      a.on('reconnecting', (r) => r.error && codes.push(r.error.code));
      a.connect().catch(() => {});
      await until(() => s.authFailures >= 3, 'three attempts');
      expect(a.state).toBe('reconnecting');
      expect(new Set(codes)).toEqual(new Set([ErrorCodes.FW_AUTH_REJECTED]));
    });

    it('commands are acked; an unacked lifecycle event is resent after its ack timeout and delivered once acked', async () => {
      const s = await bare();
      const a = makeAgent(io, s.url, { ackTimeoutMs: 150 });
      const errors: string[] = [];
      a.on('error', (e) => errors.push(e.code));
      a.connect();
      await once(a, 'heartbeat_ack');
      s.dropLifecycleAcks = 1;
      const delivered = once<[string]>(a, 'delivered', 10_000);
      expect(await s.command('start_instance', startCmd('r9'))).toEqual({ success: true });
      expect((await delivered)[0]).toBe('instance_started');
      expect(s.received.filter((r) => r.event === 'instance_started')).toHaveLength(2);
      expect(errors).toContain(ErrorCodes.FW_ACK_TIMEOUT);
      expect(await s.command('start_instance', { rentalId: 7 })).toMatchObject({ success: false });
    });

    it('a connect refused at the port is FW_CONNECT_FAILED and retried with backoff until the server is there', async () => {
      const probe = await bare();
      const port = probe.port;
      await probe.close();
      const a = makeAgent(io, `http://127.0.0.1:${port}`);
      const retries: string[] = [];
      a.on('reconnecting', (r) => r.error && retries.push(r.error.code));
      a.connect().catch(() => {});
      await until(() => retries.length >= 2, 'two failed attempts');
      expect(new Set(retries)).toEqual(new Set([ErrorCodes.FW_CONNECT_FAILED]));
      const s = await bare({ port });
      await once(a, 'heartbeat_ack', 10_000);
      expect(s.connections).toBe(1);
    });
  });

  it('a server that stops pinging is a lost connection (Engine.IO ping timeout), then a reconnect', async () => {
    // A raw Engine.IO v4 server: open packet with a 100 + 100 ms ping window, accepts /fleet, never pings.
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    let opened = 0;
    wss.on('connection', (ws) => {
      opened++;
      ws.send(`0${JSON.stringify({ sid: `s${opened}`, upgrades: [], pingInterval: 100, pingTimeout: 100, maxPayload: 1e6 })}`);
      ws.on('message', (m) => {
        const f = String(m);
        if (f.startsWith('40/fleet,')) ws.send(`40/fleet,{"sid":"x${opened}"}`);
        const ev = /^42\/fleet,(\d+)\[/.exec(f);
        if (ev) ws.send(`43/fleet,${ev[1]}[{"success":true}]`);
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => (wss.clients.forEach((c) => c.terminate()), wss.close(), http.close(() => r()))));
    const a = makeAgent(io, `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    a.on('error', () => {});
    a.connect();
    await once(a, 'heartbeat_ack');
    const [lost] = await once<[{ reason: string }]>(a, 'disconnected', 5000);
    expect(lost.reason).toBe('ping timeout');
    await until(() => opened >= 2, 'reconnected');
  });
});

describe('the lean transport shares one ack table and one wheel', () => {
  it('many agents, one hub: acks settle in the shared table and nothing is left pending after close', async () => {
    const b = await mock();
    const h = new LeanHub();
    const agents = Array.from({ length: 20 }, () => makeAgent(leanIo(h), b.fleetUrl));
    // One key, one node: the mock keeps the newest connection; enough to see the table fill and drain.
    let acks = 0;
    const a = agents[0]!;
    a.on('heartbeat_ack', () => acks++);
    a.connect();
    await once(a, 'heartbeat_ack');
    for (let i = 0; i < 10; i++) void a.heartbeatNow();
    await until(() => acks >= 11, 'eleven acks');
    expect(h.acksRegistered).toBeGreaterThanOrEqual(11);
    expect(h.pendingAcks).toBe(0);
    a.close();
    expect(h.pendingAcks).toBe(0);
  });
});
