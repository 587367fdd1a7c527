/**
 * Property-based fuzz of every SDK decoder (issue 10): each client gets ≥ 10,000
 * generated frames through its real inbound path (the transport's JSON parse,
 * the client's dispatch, the schema checks) over a fake WebSocket, so no server
 * and no sockets are needed. For every frame: nothing throws into the caller,
 * a bad frame yields exactly one `error` event with a protocol code
 * (FW_PROTOCOL_MALFORMED / _UNKNOWN / _INVALID), a valid one none, a valid
 * message right after still arrives, and Object.prototype is unchanged.
 * FleetAgent's commands go through its Socket.IO catch-all the same way.
 * Seeded (test-support/fuzz.ts): a failure prints the seed to replay.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ErrorCodes, type FleetwireError } from './errors.js';
import type { WebSocketConstructor, WebSocketLike } from '../transports/websocket.js';
import type { Validator } from './schema.js';
import { VStatsAgent } from '../protocols/vstats/agent.js';
import { VStatsDashboard } from '../protocols/vstats/dashboard.js';
import { vstatsDashboardValidators } from '../protocols/vstats/validators.gen.js';
import { MonitorAgent } from '../protocols/monitor/agent.js';
import { MonitorMetricsStream } from '../protocols/monitor/streams.js';
import { monitorValidators } from '../protocols/monitor/validators.gen.js';
import { LightdConsole } from '../protocols/lightd/console.js';
import { lightdValidators } from '../protocols/lightd/validators.gen.js';
import { ControlPlaneEvents } from '../protocols/control-plane/client.js';
import { controlPlaneValidators } from '../protocols/control-plane/validators.gen.js';
import { FleetAgent } from '../protocols/fleet/agent.js';
import { fleetValidators } from '../protocols/fleet/validators.gen.js';
import { FUZZ_RUNS, frameArb, fuzz, parsedObject, type Frame } from '../../../../test-support/fuzz.js';
import { HOSTILE_DISCRIMINANTS, expectPrototypeIntact } from '../../../../test-support/hostile.js';
import { sampleMetrics, startCmd, until } from '../../../../test-support/index.js';

const TIMEOUT = 300_000; // seconds on an idle box; a loaded 2-core CI box can be 10× slower
const PROTOCOL = new Set<string>([ErrorCodes.FW_PROTOCOL_MALFORMED, ErrorCodes.FW_PROTOCOL_UNKNOWN, ErrorCodes.FW_PROTOCOL_INVALID]);
const ts = () => new Date().toISOString();

/** A WebSocket that opens at once and lets the test push frames into the client. */
class FakeWs implements WebSocketLike {
  static last: FakeWs | null = null;
  readyState = 0;
  readonly sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeWs.last = this;
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  send(d: string): void {
    this.sent.push(d);
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }
  push(f: Frame): void {
    this.onmessage!({ data: f.binary ? new TextEncoder().encode(f.text) : f.text });
  }
}
const WS = FakeWs as unknown as WebSocketConstructor;

interface Client {
  connect(): unknown;
  close(): void;
  on(event: string, fn: (...a: any[]) => void): unknown;
  readonly state: string;
}

/** Connects `client` over a FakeWs (sending `ready` first when the dialect needs a handshake) and returns the socket. */
async function connected(client: Client, ready?: Record<string, unknown>): Promise<FakeWs> {
  FakeWs.last = null;
  void Promise.resolve(client.connect()).catch(() => {});
  const ws = (await until(() => (FakeWs.last?.readyState === 1 ? FakeWs.last : null), 'the fake socket open')) as FakeWs;
  if (ready) ws.push({ text: JSON.stringify(ready), binary: false });
  await until(() => client.state === 'connected', 'the client connected');
  return ws;
}

/** True when `o`'s `field` names an own validator of `validators` and the message passes it. */
function validFor(o: Record<string, unknown> | null, field: string, validators: Record<string, Validator<unknown>>): boolean {
  const k = o?.[field];
  return o !== null && typeof k === 'string' && Object.prototype.hasOwnProperty.call(validators, k) && validators[k]!.check(o);
}

/**
 * The shared property: per frame, one protocol `error` when it is bad, none when
 * it is valid; then `after` is pushed and `arrived()` must have grown.
 */
async function fuzzClient(o: {
  client: Client;
  ready?: Record<string, unknown>;
  field: 'type' | 'event';
  validators: Record<string, Validator<unknown>>;
  samples: Record<string, unknown>[];
  after: Record<string, unknown>;
  arrivals: string;
}): Promise<void> {
  const errors: FleetwireError[] = [];
  let arrived = 0;
  o.client.on('error', (e: FleetwireError) => errors.push(e));
  o.client.on(o.arrivals, () => arrived++);
  const ws = await connected(o.client, o.ready);
  const after: Frame = { text: JSON.stringify(o.after), binary: false };
  try {
    // First, deterministically: every Object.prototype name and non-string as the discriminant → one error each.
    for (const d of HOSTILE_DISCRIMINANTS) {
      const before = errors.length;
      ws.push({ text: JSON.stringify({ ...o.samples[0], [o.field]: d }), binary: false });
      expect(errors.slice(before).filter((e) => PROTOCOL.has(e.code)), typeof d === 'string' ? d : JSON.stringify(d)).toHaveLength(1);
    }
    fuzz(frameArb(o.field, Object.keys(o.validators), o.samples), (f) => {
      const valid = validFor(parsedObject(f), o.field, o.validators);
      const before = errors.length;
      try {
        ws.push(f);
      } catch (err) {
        throw new Error(`client threw ${(err as Error).message} on ${JSON.stringify(f.text.slice(0, 200))}`);
      }
      const mine = errors.slice(before).filter((e) => PROTOCOL.has(e.code));
      expect(mine).toHaveLength(valid ? 0 : 1);
      const n = arrived;
      ws.push(after);
      expect(arrived).toBe(n + 1);
      expect(o.client.state).toBe('connected');
    });
  } finally {
    o.client.close();
  }
  expectPrototypeIntact();
}

const dashboardMetrics = { type: 'metrics', data: { server_id: 's1', metrics: { cpu: { usage: 1 } } }, timestamp: ts() };

describe('SDK decoders, fuzzed through each client', () => {
  it(`VStatsDashboard: ${FUZZ_RUNS} frames`, async () => {
    await fuzzClient({
      client: new VStatsDashboard({ url: 'ws://fuzz.test', WebSocket: WS }),
      field: 'type',
      validators: vstatsDashboardValidators as unknown as Record<string, Validator<unknown>>,
      samples: [dashboardMetrics, { type: 'status', data: { server_id: 's1', online: true }, timestamp: ts() }, { type: 'server_added', data: { id: 's2', name: 'n' }, timestamp: ts() }, { type: 'server_removed', data: { id: 's2' }, timestamp: ts() }],
      after: { type: 'status', data: { server_id: 's1', online: true }, timestamp: ts() },
      arrivals: 'status',
    });
  }, TIMEOUT);

  it(`VStatsAgent: ${FUZZ_RUNS} frames (the server sends agents nothing: every frame is one error)`, async () => {
    const client = new VStatsAgent({ url: 'ws://fuzz.test', token: 't', metrics: () => ({}) as never, metricsIntervalMs: 3_600_000, heartbeatIntervalMs: 3_600_000, WebSocket: WS });
    const errors: FleetwireError[] = [];
    client.on('error', (e: FleetwireError) => errors.push(e));
    const ws = await connected(client);
    try {
      fuzz(frameArb('type', ['metrics', 'heartbeat'], [{ type: 'metrics', data: {} }]), (f) => {
        const before = errors.length;
        ws.push(f);
        expect(errors.slice(before).filter((e) => PROTOCOL.has(e.code))).toHaveLength(1);
        expect(client.state).toBe('connected');
      });
    } finally {
      client.close();
    }
    expectPrototypeIntact();
  }, TIMEOUT);

  it(`MonitorAgent: ${FUZZ_RUNS} frames after auth_success`, async () => {
    await fuzzClient({
      client: new MonitorAgent({
        url: 'ws://fuzz.test',
        apiKey: 'k',
        metrics: () => ({ cpu_percent: 1, memory_percent: 1, disk_usage: [], network: [] }),
        metricsIntervalMs: 3_600_000,
        onCommand: () => ({ output: '', exit_code: 0 }),
        onDockerCommand: () => ({ success: true, message: 'ok' }),
        WebSocket: WS,
      } as ConstructorParameters<typeof MonitorAgent>[0]),
      ready: { type: 'auth_success', server_id: 'srv-1' },
      field: 'type',
      validators: monitorValidators.toAgent as unknown as Record<string, Validator<unknown>>,
      samples: [{ type: 'command', command_id: 'c1', command: 'uptime' }, { type: 'docker_command', command_id: 'c2', action: 'start', container_id: 'x' }, { type: 'auth_success', server_id: 'srv-1' }],
      after: { type: 'command', command_id: 'c-after', command: 'uptime' },
      arrivals: 'command',
    });
  }, TIMEOUT);

  it(`MonitorMetricsStream: ${FUZZ_RUNS} frames`, async () => {
    const data = { cpu_percent: 1, memory_percent: 1, disk_usage: [], network: [], timestamp: ts() };
    await fuzzClient({
      client: new MonitorMetricsStream({ url: 'ws://fuzz.test', serverId: 'srv-1', token: 'jwt', WebSocket: WS }),
      field: 'type',
      validators: monitorValidators.toFrontend as unknown as Record<string, Validator<unknown>>,
      samples: [{ type: 'metrics', data }, { type: 'log', data: { level: 'INFO', message: 'm', timestamp: ts() } }, { type: 'alert', data: { level: 'WARNING', message: 'm', timestamp: ts() } }],
      after: { type: 'metrics', data },
      arrivals: 'metrics',
    });
  }, TIMEOUT);

  it(`LightdConsole: ${FUZZ_RUNS} frames`, async () => {
    await fuzzClient({
      client: new LightdConsole({ url: 'ws://fuzz.test', internalId: 'c1', token: 't', WebSocket: WS }),
      field: 'event',
      validators: lightdValidators.toClient as unknown as Record<string, Validator<unknown>>,
      samples: [{ event: 'console', data: 'line' }, { event: 'event', data: 'running' }, { event: 'daemon_message', data: 'm' }, { event: 'logs', data: 'l' }],
      after: { event: 'console', data: 'after' },
      arrivals: 'console',
    });
  }, TIMEOUT);

  it(`ControlPlaneEvents: ${FUZZ_RUNS} frames`, async () => {
    const deleted = { event: 'instance:deleted', data: { instanceId: 'i1', deletedAt: ts() } };
    await fuzzClient({
      client: new ControlPlaneEvents({ url: 'ws://fuzz.test', WebSocket: WS }),
      field: 'event',
      validators: controlPlaneValidators as unknown as Record<string, Validator<unknown>>,
      samples: [deleted, { event: 'agent:online', data: { nodeId: 'n' } }],
      after: deleted,
      arrivals: '*',
    });
  }, TIMEOUT);

  it(`FleetAgent: ${FUZZ_RUNS} commands (event name × payload) through the Socket.IO catch-all`, async () => {
    const agent = new FleetAgent({
      url: 'http://127.0.0.1:9', // never connected: the commands are handed to its dispatch directly
      apiKey: 'k',
      nodeId: 'n1',
      metrics: sampleMetrics,
      heartbeatIntervalMs: 3_600_000,
      onStartInstance: (c) => ({ containerId: `ctr-${c.rentalId}`, connectionInfo: { sshHost: 'h', sshPort: 22 } }),
      onStopInstance: () => ({ reason: 'requested' }),
    });
    const errors: FleetwireError[] = [];
    let drains = 0;
    agent.on('error', (e: FleetwireError) => errors.push(e));
    agent.on('drain_node', () => drains++);
    const socket = (agent as unknown as { socket: { listenersAny(): ((...a: unknown[]) => void)[] } }).socket;
    const dispatch = socket.listenersAny()[0]!;
    const known = ['start_instance', 'stop_instance', 'drain_node'] as const;
    const event = fc.oneof(fc.constantFrom(...HOSTILE_DISCRIMINANTS), fc.constantFrom(...known, 'heartbeat', 'ack'), fc.string({ maxLength: 12 }), fc.integer());
    const samples = [startCmd('r1'), { rentalId: 'r1', containerId: 'ctr-r1' }, { nodeId: 'n1', reason: 'x' }];
    const payload = frameArb('type', ['x'], samples).map((f) => parsedObject(f));
    try {
      for (const d of HOSTILE_DISCRIMINANTS) {
        const before = errors.length;
        dispatch(d, samples[0], () => {});
        expect(errors.slice(before).filter((e) => PROTOCOL.has(e.code)), typeof d === 'string' ? d : JSON.stringify(d)).toHaveLength(1);
      }
      fuzz(fc.tuple(event, payload), ([ev, pl]) => {
        const acks: unknown[] = [];
        const before = errors.length;
        try {
          dispatch(ev, pl, (a: unknown) => acks.push(a));
        } catch (err) {
          throw new Error(`FleetAgent threw ${(err as Error).message} on event ${typeof ev === 'string' ? ev : typeof ev}`);
        }
        const valid = typeof ev === 'string' && (known as readonly string[]).includes(ev) && fleetValidators[ev as (typeof known)[number]].check(pl);
        expect(errors.slice(before).filter((e) => PROTOCOL.has(e.code))).toHaveLength(valid ? 0 : 1);
        const n = drains;
        dispatch('drain_node', { nodeId: 'n1' }, () => {});
        expect(drains).toBe(n + 1);
      });
    } finally {
      agent.close();
    }
    expectPrototypeIntact();
  }, TIMEOUT);
});
