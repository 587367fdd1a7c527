/**
 * Property-based fuzz of every mock dialect handler at the core level (issue 10):
 * the dialect cores behind a minimal fake peer, so ≥ 10,000 generated frames per
 * dialect run in seconds. For every frame: no exception escapes the handler, a
 * bad frame gets exactly the dialect's one answer to bad input (an error reply,
 * an invalid-message count, a {success:false} ack), a valid message right after
 * still works on the same connection, and Object.prototype is unchanged.
 * Seeded (test-support/fuzz.ts): a failure prints the seed to replay.
 * The socket-level round is test/hostile-input.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { controlPlane, fleet, lightd, monitor, vstats } from '@fleetwire/sdk';
import type { Namespace, Server, Socket } from 'socket.io';
import { KeyStore } from './keys.js';
import { VStatsCore } from './vstats/core.js';
import { MonitorCore } from './monitor/core.js';
import { MonitorState } from './state/monitor.js';
import { LightdCore } from './lightd/core.js';
import { LightdState } from './state/lightd.js';
import { ControlPlaneCore } from './control-plane/core.js';
import { FleetServer } from './fleet/server.js';
import { FleetState } from './state/fleet.js';
import type { ConnectionHandler, Peer, PeerRequest, Router } from './transport/peer.js';
import { FUZZ_RUNS, frameArb, fuzz, parsedObject, type Frame } from '../../../test-support/fuzz.js';
import { HOSTILE_DISCRIMINANTS, expectPrototypeIntact } from '../../../test-support/hostile.js';
import { sampleMetrics, startCmd } from '../../../test-support/index.js';
import fc from 'fast-check';

const TIMEOUT = 300_000; // seconds on an idle box; a loaded 2-core CI box can be 10× slower
const ts = () => new Date().toISOString();

interface FakePeer {
  peer: Peer;
  sent: Record<string, unknown>[];
  closed: number | null;
}
function fakePeer(): FakePeer {
  const p: FakePeer = {
    sent: [],
    closed: null,
    peer: {
      send: (t) => void p.sent.push(JSON.parse(t)),
      close: (code = 1000) => void (p.closed ??= code),
    },
  };
  return p;
}
function open(router: Router, path: string, query = ''): { h: ConnectionHandler; p: FakePeer } {
  const req: PeerRequest = { path, query: new URLSearchParams(query), headers: {} };
  const route = router(req);
  if (!route || 'refuse' in route) throw new Error(`route ${path} refused`);
  const p = fakePeer();
  const h = route.accept(p.peer);
  h.onOpen?.();
  return { h, p };
}
/** Runs the handler on one frame; an exception that escapes fails the property with the frame. */
function deliver(h: ConnectionHandler, f: Frame): void {
  try {
    h.onMessage(f.text, f.binary);
  } catch (err) {
    throw new Error(`handler threw ${(err as Error).message} on ${JSON.stringify(f.text.slice(0, 200))}`);
  }
}

describe('mock dialect handlers, fuzzed at the core level', () => {
  it(`vstats agent: ${FUZZ_RUNS} frames, each valid or one invalid-message count; a heartbeat after each is taken`, () => {
    const core = new VStatsCore({ keys: new KeyStore(['k']) });
    const { h, p } = open(core.route, vstats.VSTATS_AGENT_PATH, 'token=k');
    const V = vstats.vstatsAgentValidators;
    const samples = [
      { type: 'heartbeat', timestamp: ts() },
      { type: 'metrics', timestamp: ts(), data: { hostname: 'h', timestamp: ts(), uptime: 1, cpu: { usage: 1, cores: 2 }, memory: { total: 1, used: 1 }, disks: [], network: { total_rx: 1, total_tx: 1 } } },
    ];
    const heartbeat = JSON.stringify(samples[0]);
    fuzz(frameArb('type', ['metrics', 'heartbeat'], samples), (f) => {
      const o = parsedObject(f);
      const valid = o !== null && ((o.type === 'metrics' && V.metrics.check(o)) || (o.type === 'heartbeat' && V.heartbeat.check(o)));
      const before = core.counters.invalidMessages;
      deliver(h, f);
      expect(core.counters.invalidMessages - before).toBe(valid ? 0 : 1);
      const hb = core.counters.heartbeats;
      h.onMessage(heartbeat, false);
      expect(core.counters.heartbeats).toBe(hb + 1);
      expect(p.closed).toBe(null);
    });
    expectPrototypeIntact();
  }, TIMEOUT);

  it(`vstats dashboard: ${FUZZ_RUNS} frames, each ignored; the dashboard still gets broadcasts`, () => {
    const core = new VStatsCore({ keys: new KeyStore(['k']) });
    const { h, p } = open(core.route, vstats.VSTATS_DASHBOARD_PATH);
    fuzz(frameArb('type', ['metrics'], [{ type: 'metrics', data: {} }]), (f) => {
      deliver(h, f);
      expect(p.closed).toBe(null);
    });
    core.state.addServer('srv-x', {});
    expect(p.sent.at(-1)).toMatchObject({ type: 'server_added', data: { id: 'srv-x' } });
    expectPrototypeIntact();
  }, TIMEOUT);

  it(`monitor agent: ${FUZZ_RUNS} frames after auth, each valid or one {type:"error"}; metrics after each are taken`, () => {
    const core = new MonitorCore({ keys: new KeyStore(['k']), state: new MonitorState(), jwtSecret: 's' });
    const { h, p } = open(core.route, monitor.MONITOR_PATHS.agent);
    h.onMessage(JSON.stringify({ type: 'auth', api_key: 'k' }), false);
    const serverId = (p.sent[0] as { server_id: string }).server_id;
    expect(p.sent[0]!.type).toBe('auth_success');
    const V = monitor.monitorValidators.fromAgent;
    const metrics = { type: 'metrics', server_id: serverId, cpu_percent: 5, memory_percent: 5, disk_usage: [{ mount: '/', total_bytes: 1, used_bytes: 1, percent: 1 }], network: [{ interface: 'eth0', rx_bytes: 1, tx_bytes: 1 }], timestamp: ts() };
    const samples = [metrics, { type: 'command_response', command_id: 'c', output: 'o', exit_code: 0, duration_ms: 1 }, { type: 'docker_response', command_id: 'c', success: true, message: 'ok' }, { type: 'auth', api_key: 'k' }];
    const good = JSON.stringify(metrics);
    fuzz(frameArb('type', ['metrics', 'command_response', 'docker_response', 'auth'], samples), (f) => {
      const o = parsedObject(f);
      const ok =
        o !== null &&
        (o.type === 'auth' ||
          (o.type === 'metrics' && V.metrics.check(o) && o.server_id === serverId) ||
          (o.type === 'command_response' && V.command_response.check(o)) ||
          (o.type === 'docker_response' && V.docker_response.check(o)));
      const before = p.sent.length;
      deliver(h, f);
      const replies = p.sent.slice(before);
      expect(replies).toEqual(ok ? [] : [{ type: 'error', message: 'Invalid message format' }]);
      const m = core.counters.metrics;
      h.onMessage(good, false);
      expect(core.counters.metrics).toBe(m + 1);
      expect(p.closed).toBe(null);
    });
    expectPrototypeIntact();
  }, TIMEOUT);

  it(`lightd console: ${FUZZ_RUNS} frames, each valid or one daemon_message error; request_logs after each answers`, () => {
    const state = new LightdState();
    state.createContainer('c1', { state: 'running' });
    const core = new LightdCore({ state });
    try {
      const { h, p } = open(core.route, '/ws/c1', `token=${state.createToken().token}`);
      const V = lightd.lightdValidators.fromClient;
      const samples = [{ event: 'send_command', command: 'ls' }, { event: 'power', action: 'restart' }, { event: 'request_logs' }];
      const names = Object.keys(V);
      const isError = (m: Record<string, unknown>) => m.event === 'daemon_message' && m.data === 'Error: invalid message';
      fuzz(frameArb('event', names, samples), (f) => {
        const o = parsedObject(f);
        const ev = o?.event;
        const valid = o !== null && typeof ev === 'string' && Object.prototype.hasOwnProperty.call(V, ev) && V[ev as keyof typeof V].check(o);
        const before = p.sent.length;
        deliver(h, f);
        expect(p.sent.slice(before).filter(isError)).toHaveLength(valid ? 0 : 1);
        const n = p.sent.length;
        h.onMessage('{"event":"request_logs"}', false);
        expect(p.sent.slice(n).some((m) => m.event === 'logs')).toBe(true);
        expect(p.closed).toBe(null);
      });
    } finally {
      core.dispose();
      state.dispose();
    }
    expectPrototypeIntact();
  }, TIMEOUT);

  it(`control-plane: ${FUZZ_RUNS} client frames, each ignored and counted; broadcasts still arrive`, () => {
    const core = new ControlPlaneCore();
    try {
      const { h, p } = open(core.route, controlPlane.CONTROL_PLANE_PATH);
      const samples = [{ event: 'job:created', data: {} }];
      fuzz(frameArb('event', [...controlPlane.CONTROL_PLANE_EVENTS], samples), (f) => {
        const before = core.counters.ignoredMessages;
        deliver(h, f);
        expect(core.counters.ignoredMessages).toBe(before + 1);
        expect(p.closed).toBe(null);
      });
      core.bus.instanceDeleted('i-1');
      expect(p.sent.at(-1)).toMatchObject({ event: 'instance:deleted' });
    } finally {
      core.dispose();
    }
    expectPrototypeIntact();
  }, TIMEOUT);

  it(`fleet: ${FUZZ_RUNS} events (name × payload), each acked once, {success:false} unless valid; a heartbeat after each is acked`, () => {
    // A fake Socket.IO namespace and socket: the server's handlers run as Socket.IO would call them.
    let onConnection: ((s: Socket) => void) | null = null;
    const nsp = { use() {}, on: (ev: string, fn: (s: Socket) => void) => void (ev === 'connection' && (onConnection = fn)) } as unknown as Namespace;
    const io = { of: () => nsp } as unknown as Server;
    const server = new FleetServer(io, { keys: new KeyStore(['k']), state: new FleetState() });
    const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
    const any: ((...a: unknown[]) => void)[] = [];
    let closed = false;
    const socket = {
      data: { nodeId: 'n1' },
      on: (ev: string, fn: (...a: unknown[]) => void) => void listeners.set(ev, [...(listeners.get(ev) ?? []), fn]),
      onAny: (fn: (...a: unknown[]) => void) => void any.push(fn),
      emit: () => true,
      disconnect: () => void (closed = true),
      conn: { transport: { name: 'websocket', socket: { close: () => void (closed = true) } } },
    } as unknown as Socket;
    onConnection!(socket);
    // Socket.IO's dispatch: the catch-all listeners, then the event's own (Node EventEmitter: a null-prototype table).
    const dispatch = (event: unknown, payload: unknown, ack: (a: unknown) => void) => {
      for (const fn of any) fn(event, payload, ack);
      if (typeof event === 'string') for (const fn of listeners.get(event) ?? []) fn(payload, ack);
    };
    const V = fleet.fleetValidators;
    const hb = { nodeId: 'n1', status: 'online', metrics: sampleMetrics() };
    const started = { rentalId: 'r1', containerId: 'c1', status: 'running', connectionInfo: { sshHost: 'h', sshPort: 22 } };
    const samples: Record<string, unknown>[] = [hb, started, { rentalId: 'r1', containerId: 'c1', reason: 'requested' }, startCmd('r2')];
    const event = fc.oneof(fc.constantFrom(...HOSTILE_DISCRIMINANTS), fc.constantFrom('heartbeat', 'instance_started', 'instance_stopped', 'error', 'disconnect'), fc.string({ maxLength: 12 }), fc.integer());
    const payload = frameArb('type', ['x'], samples).map((f) => parsedObject(f) ?? (f.binary ? null : safeParse(f.text)));
    fuzz(fc.tuple(event, payload), ([ev, pl]) => {
      const acks: unknown[] = [];
      try {
        dispatch(ev, pl, (a) => acks.push(a));
      } catch (err) {
        throw new Error(`fleet handler threw ${(err as Error).message} on ${String(typeof ev === 'string' ? ev : typeof ev)}`);
      }
      const valid =
        (ev === 'heartbeat' && V.heartbeat.check(pl) && (pl as { nodeId: string }).nodeId === 'n1') ||
        (ev === 'instance_started' && V.instance_started.check(pl)) ||
        (ev === 'instance_stopped' && V.instance_stopped.check(pl));
      expect(acks).toHaveLength(1);
      expect((acks[0] as { success: boolean }).success).toBe(valid);
      const hbAcks: unknown[] = [];
      dispatch('heartbeat', hb, (a) => hbAcks.push(a));
      expect(hbAcks).toEqual([{ success: true }]);
      expect(closed).toBe(false);
    });
    expect(server.counters.heartbeats).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expectPrototypeIntact();
  }, TIMEOUT);
});

function safeParse(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}
