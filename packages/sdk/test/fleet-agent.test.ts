import { describe, expect, it } from 'vitest';
import { ErrorCodes, FleetAgent, FleetwireError, type FleetAgentOptions, type Scheduler, type StateTransition } from '@fleetwire/sdk';
import { fleetFixture } from './fleet-fixture.js';
import { once, sampleMetrics, startCmd, until } from './helpers.js';

const { backend, agent } = fleetFixture();

/** A backend and a connected agent running rental r1 (acked), for the restart tests. */
async function runningRental() {
  const b1 = await backend();
  const a = agent(b1);
  a.on('error', () => {});
  a.connect();
  await once(a, 'heartbeat_ack');
  const d = once(a, 'delivered');
  await b1.fleet.startInstance('node-1', startCmd('r1'));
  await d;
  return { b1, port: b1.fleetPort, a };
}

describe('FleetAgent against the mock backend', () => {
  it('a bad key is a terminal auth error: no retry loop', async () => {
    const b = await backend();
    const a = agent(b, { apiKey: 'wrong', backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    const transitions: StateTransition[] = [];
    let reconnecting = 0;
    a.on('state', (t) => transitions.push(t));
    a.on('reconnecting', () => reconnecting++);
    const errorP = once<[FleetwireError]>(a, 'error');
    a.connect();
    const [err] = await errorP;
    expect(err.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    await until(() => a.state === 'closed', 'agent closed');
    expect(transitions.map((t) => `${t.to}:${t.code}`)).toEqual(['connecting:CONNECT_CALLED', 'closed:AUTH_REJECTED']);
    // With a 1–5 ms backoff a retry would have happened many times over by now.
    await new Promise((r) => setTimeout(r, 150));
    expect(b.fleet.counters.authFailures).toBe(1);
    expect(reconnecting).toBe(0);
  });

  it('retries after an auth rejection only when asked to', async () => {
    const b = await backend();
    const a = agent(b, { apiKey: 'wrong', retryOnAuthFailure: true, backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    a.on('error', () => {});
    a.connect();
    await until(() => b.fleet.counters.authFailures >= 3, 'three attempts');
    expect(a.state).toBe('reconnecting');
  });

  it('heartbeats at once on connect, then on every scheduler tick, each acked with an observable RTT', async () => {
    const b = await backend();
    const ticks: { interval: number; fn: () => void }[] = [];
    const manual: Scheduler = { every: (interval, fn) => (ticks.push({ interval, fn }), () => {}) };
    const a = agent(b, { heartbeatIntervalMs: 5000, scheduler: manual });
    const firstAck = once<[{ rttMs: number }]>(a, 'heartbeat_ack');
    a.connect();
    const [{ rttMs }] = await firstAck;
    expect(rttMs).toBeGreaterThan(0);
    expect(a.lastHeartbeatRttMs).toBe(rttMs);
    expect(ticks).toHaveLength(1);
    expect(ticks[0]!.interval).toBe(5000);
    for (let i = 0; i < 3; i++) {
      const ack = once(a, 'heartbeat_ack');
      ticks[0]!.fn();
      await ack;
    }
    const node = b.state.fleet.nodes.get('node-1')!;
    expect(node.heartbeats).toBe(4);
    expect(node.connection).toBe('ONLINE');
    expect(node.agentStatus).toBe('online');
    expect(node.lastMetrics).toEqual(sampleMetrics());
  });

  it('keeps heartbeating on real timers at the configured interval', async () => {
    const b = await backend();
    const a = agent(b, { heartbeatIntervalMs: 40 });
    let acks = 0;
    a.on('heartbeat_ack', () => acks++);
    a.connect();
    await until(() => acks >= 4, '4 acked heartbeats');
    const hbs = b.fleet.received.filter((r) => r.event === 'heartbeat');
    expect(hbs.length).toBeGreaterThanOrEqual(4);
  });

  it('start_instance → instance_started with connectionInfo, acked; stop_instance → instance_stopped', async () => {
    const b = await backend();
    const a = agent(b);
    a.connect();
    await once(a, 'heartbeat_ack');
    const delivered = once<[string, unknown]>(a, 'delivered');
    const res = await b.fleet.startInstance('node-1', startCmd('r1'));
    expect(res).toMatchObject({ sent: true, acked: true });
    const [event, payload] = await delivered;
    expect(event).toBe('instance_started');
    expect(payload).toEqual({ rentalId: 'r1', containerId: 'ctr-r1', connectionInfo: { sshHost: 'proxy.test', sshPort: 10022 } });
    expect(b.state.fleet.factsOf('instance_started', 'r1')).toHaveLength(1);
    expect(a.status).toBe('busy');
    expect(a.instances.get('r1')?.containerId).toBe('ctr-r1');

    const stopped = once<[string, unknown]>(a, 'delivered');
    await b.fleet.stopInstance('node-1', { rentalId: 'r1', containerId: 'ctr-r1', graceful: true, timeoutSeconds: 30 });
    expect(await stopped).toEqual(['instance_stopped', { rentalId: 'r1', containerId: 'ctr-r1', reason: 'requested', errorMessage: null }]);
    expect(b.state.fleet.nodes.get('node-1')!.rentals.get('r1')!.state).toBe('stopped');
    expect(a.status).toBe('online');
  });

  it('a start handler that throws becomes instance_stopped (error) with the message', async () => {
    const b = await backend();
    const a = agent(b, {
      onStartInstance: () => {
        throw Object.assign(new Error('image pull failed: manifest unknown'), { containerId: 'ctr-half' });
      },
    });
    const errors: FleetwireError[] = [];
    a.on('error', (e) => errors.push(e));
    a.connect();
    await once(a, 'heartbeat_ack');
    const delivered = once<[string, unknown]>(a, 'delivered');
    await b.fleet.startInstance('node-1', startCmd('r2'));
    expect(await delivered).toEqual([
      'instance_stopped',
      { rentalId: 'r2', containerId: 'ctr-half', reason: 'error', errorMessage: 'image pull failed: manifest unknown' },
    ]);
    expect(errors.map((e) => e.code)).toContain(ErrorCodes.FW_HANDLER_FAILED);
    expect(a.status).toBe('online');
  });

  it('drain_node: refuses new rentals, waits for running ones, then reports maintenance', async () => {
    const b = await backend();
    const a = agent(b);
    a.connect();
    await once(a, 'heartbeat_ack');
    let d = once(a, 'delivered');
    await b.fleet.startInstance('node-1', startCmd('r1'));
    await d;

    const drainCmd = once(a, 'drain_node');
    await b.fleet.drainNode('node-1', 'Scheduled maintenance');
    await drainCmd;
    expect(a.isDraining).toBe(true);
    expect(a.status).toBe('busy'); // r1 still runs

    d = once(a, 'delivered');
    await b.fleet.startInstance('node-1', startCmd('r2'));
    const [, refusal] = await d;
    expect(refusal).toMatchObject({ rentalId: 'r2', containerId: '', reason: 'error' });
    expect((refusal as { errorMessage: string }).errorMessage).toMatch(/draining/);

    const drained = once(a, 'drained');
    await b.fleet.stopInstance('node-1', { rentalId: 'r1', containerId: 'ctr-r1' });
    await drained;
    expect(a.status).toBe('maintenance');
    await until(() => b.state.fleet.nodes.get('node-1')!.agentStatus === 'maintenance', 'backend sees maintenance');
  });

  it('bad input from the control plane becomes a typed protocol error; the agent keeps running', async () => {
    const b = await backend();
    const a = agent(b);
    const errors: FleetwireError[] = [];
    a.on('error', (e) => errors.push(e));
    a.connect();
    await once(a, 'heartbeat_ack');
    b.fleet.sendRaw('node-1', 'start_instance', { rentalId: 42 });
    b.fleet.sendRaw('node-1', 'stop_instance', 'not an object');
    b.fleet.sendRaw('node-1', 'reboot_everything', {});
    await until(() => errors.length >= 3, 'three errors');
    expect(errors.map((e) => e.code)).toEqual([ErrorCodes.FW_PROTOCOL_INVALID, ErrorCodes.FW_PROTOCOL_INVALID, ErrorCodes.FW_PROTOCOL_UNKNOWN]);
    expect(errors[0]!.context.problems).toEqual(expect.arrayContaining([expect.stringMatching(/rentalId/)]));
    expect(a.state).toBe('connected');
    const ack = once(a, 'heartbeat_ack');
    await a.heartbeatNow();
    await ack;
  });

  it('after the backend restarts: reconnects, re-auths, heartbeats at once, re-reports running containers', async () => {
    const { b1, port, a } = await runningRental();

    const lost = once<[StateTransition]>(a, 'state');
    await b1.close();
    const [t] = await lost;
    expect(t).toMatchObject({ from: 'connected', to: 'reconnecting', code: 'CONNECTION_LOST' });

    const b2 = await backend(port);
    await once(a, 'connected', 10_000);
    await until(() => b2.state.fleet.factsOf('instance_started', 'r1').length === 1, 'r1 re-reported');
    // The first message on the new connection is the heartbeat.
    expect(b2.fleet.received[0]?.event).toBe('heartbeat');
    const node = b2.state.fleet.nodes.get('node-1')!;
    expect(node.connection).toBe('ONLINE');
    expect(node.rentals.get('r1')).toMatchObject({ containerId: 'ctr-r1', state: 'running' });
  });

  it('a lifecycle event emitted while the backend was down arrives exactly once after it returns', async () => {
    const { b1, port, a } = await runningRental();

    const lost = once(a, 'disconnected');
    await b1.close();
    await lost;
    a.reportStopped('r1', 'timeout', 'exceeded its 1 h limit');
    expect(a.pendingEvents.map((e) => e.event)).toEqual(['instance_stopped']);

    const b2 = await backend(port);
    const [event] = await once<[string]>(a, 'delivered', 10_000);
    expect(event).toBe('instance_stopped');
    const stops = b2.fleet.received.filter((r) => r.event === 'instance_stopped');
    expect(stops).toHaveLength(1);
    expect(b2.state.fleet.factsOf('instance_stopped', 'r1')).toEqual([expect.objectContaining({ receipts: 1 })]);
    // r1 is no longer running, so it is not re-reported as started.
    expect(b2.fleet.received.filter((r) => r.event === 'instance_started')).toHaveLength(0);
    expect(a.pendingEvents).toHaveLength(0);
  });

  it('dropConnection() behaves like a network failure: the agent reconnects by itself', async () => {
    const b = await backend();
    const a = agent(b);
    a.on('error', () => {});
    a.connect();
    await once(a, 'heartbeat_ack');
    const path: string[] = [];
    a.on('state', (t) => path.push(`${t.to}:${t.code}`));
    a.dropConnection();
    await once(a, 'connected');
    expect(path).toEqual(['reconnecting:CONNECTION_LOST', 'connected:CONNECTED']);
    await until(() => b.state.fleet.nodes.get('node-1')!.connections === 2, 'second connection seen by the backend');
  });

  it('close() stops everything and rejects nothing silently', async () => {
    const b = await backend();
    const a = agent(b, { heartbeatIntervalMs: 20 });
    a.connect();
    await once(a, 'heartbeat_ack');
    a.close();
    expect(a.state).toBe('closed');
    const before = b.state.fleet.nodes.get('node-1')!.heartbeats;
    await until(() => b.state.fleet.nodes.get('node-1')!.connection === 'OFFLINE', 'node offline');
    await new Promise((r) => setTimeout(r, 100));
    expect(b.state.fleet.nodes.get('node-1')!.heartbeats).toBe(before);
  });
});

describe('FleetAgent options', () => {
  it('refuses a 20 KB key up front (no header block would carry it)', () => {
    expect(() => new FleetAgent({ url: 'http://127.0.0.1:1', apiKey: 'k'.repeat(20_000), nodeId: 'n', metrics: sampleMetrics })).toThrow(
      /apiKey is 20000 characters long \(at most 8192 fit in a request header\)/,
    );
  });

  it.each([
    [{ url: 'localhost:3000' }, /url must be an http\(s\):\/\/ or ws\(s\):\/\/ URL/],
    [{ apiKey: '' }, /apiKey must be a non-empty string/],
    [{ nodeId: undefined }, /nodeId must be a non-empty string/],
    [{ metrics: {} }, /metrics must be a function/],
    [{ heartbeatIntervalMs: 0 }, /heartbeatIntervalMs must be > 0/],
    // Keys that can never travel as a header value are refused up front, not retried forever.
    [{ apiKey: 'abc\ndef' }, /apiKey contains a control character \(U\+000A\) at index 3, so it can never be sent as an Authorization header/],
    [{ apiKey: 'abc\0' }, /apiKey contains a control character \(U\+0000\)/],
    [{ apiKey: 'clé-€' }, /apiKey contains "€" \(U\+20AC\) at index 4, outside the Latin-1 range/],
    [{ deadAfterMissedAcks: 0 }, /deadAfterMissedAcks must be a whole number >= 1/],
  ])('rejects %j with a message a person can act on', (bad, message) => {
    const opts = { url: 'http://127.0.0.1:1', apiKey: 'k', nodeId: 'n', metrics: sampleMetrics, ...bad } as unknown as FleetAgentOptions;
    expect(() => new FleetAgent(opts)).toThrow(message);
    try {
      new FleetAgent(opts);
    } catch (e) {
      expect((e as FleetwireError).code).toBe(ErrorCodes.FW_INVALID_ARGUMENT);
    }
  });
});
