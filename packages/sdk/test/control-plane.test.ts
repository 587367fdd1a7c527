/** ControlPlaneEvents against the real mock control-plane on an HttpHost on port 0. */
import { afterEach, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_DOCUMENTED_BACKOFF, ErrorCodes, FleetwireError } from '../src/index.js';
import { ControlPlaneEvents, type ControlPlaneEventsOptions } from '../src/protocols/control-plane/index.js';
import { CONTROL_PLANE_EVENTS, type ControlPlaneMessage } from '../src/protocols/control-plane/messages.js';
import { listen } from '../../mock-backend/src/http-host.js';
import { FleetState } from '../../mock-backend/src/state/fleet.js';
import { attachControlPlane, type ControlPlaneOptions } from '../../mock-backend/src/control-plane/index.js';
import { once, sampleMetrics, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(port = 0, over: ControlPlaneOptions = {}) {
  const http = await listen(port);
  const fleetState = new FleetState();
  const cp = attachControlPlane(http, { fleetState, heartbeatThrottleMs: 0, ...over });
  const close = async () => {
    cp.close();
    await http.close();
  };
  cleanups.push(close);
  return { http, cp, fleetState, close };
}

function client(url: string, over: Partial<ControlPlaneEventsOptions> = {}) {
  const c = new ControlPlaneEvents({ url, backoff: { initialDelayMs: 20, maxDelayMs: 100 }, ...over });
  cleanups.push(() => c.close());
  return c;
}

describe('ControlPlaneEvents', () => {
  it('receives every event of the document from the mock backend state, typed, by exact name, category and *', async () => {
    const { http, cp, fleetState } = await host();
    const c = client(http.url);
    const all: ControlPlaneMessage[] = [];
    const jobs: string[] = [];
    const progress: { jobId: string; percent: number }[] = [];
    c.on('*', (m) => all.push(m));
    c.subscribe('job:*', (m) => jobs.push(m.event));
    c.on('job:progress', (d) => progress.push({ jobId: d.jobId, percent: d.percent }));
    c.connect();
    await once(c, 'connected');

    // agent:* and instance:* from FleetState (what the fleet Socket.IO server drives)
    fleetState.markOnline('node-1');
    fleetState.heartbeat({ nodeId: 'node-1', status: 'online', metrics: sampleMetrics() });
    fleetState.instanceStarted('node-1', { rentalId: 'r1', containerId: 'c1', connectionInfo: { sshHost: 'h', sshPort: 22 } });
    fleetState.instanceStopped('node-1', { rentalId: 'r1', containerId: 'c1', reason: 'error', errorMessage: 'OOM killed' });
    cp.bus.instanceUpdated('r1', { name: 'renamed' });
    cp.bus.instanceDeleted('r1');
    fleetState.markOffline('node-1');
    // job:* from JobsState
    const done = cp.jobs.createJob({ steps: 2, stepMs: 5, result: { buildId: '12345678' } });
    const failed = cp.jobs.createJob({ steps: 3, stepMs: 5, failAtStep: 2 });
    const cancelled = cp.jobs.createJob({ steps: 5, stepMs: 10_000 });
    cp.jobs.cancelJob(cancelled.jobId, 'user asked');
    cp.bus.systemError('DISK_FULL', 'no space left on device', { path: '/var' });

    await until(() => new Set(all.map((m) => m.event)).size === CONTROL_PLANE_EVENTS.length, 'all 14 event names', 5000);
    await until(() => all.some((m) => m.event === 'job:completed') && all.some((m) => m.event === 'job:failed'), 'jobs ended');

    const get = <E extends ControlPlaneMessage['event']>(e: E) => all.filter((m) => m.event === e) as ControlPlaneMessage<E>[];
    expect(get('agent:registered')[0]!.data).toMatchObject({ agentId: 'node-1', dialect: 'fleet' });
    expect(get('agent:heartbeat')[0]!.data).toMatchObject({ agentId: 'node-1', status: 'online' });
    expect(get('agent:offline')[0]!.data.agentId).toBe('node-1');
    expect(get('instance:created')[0]!.data).toMatchObject({ instanceId: 'r1', agentId: 'node-1', status: 'RUNNING' });
    expect(get('instance:status_changed')[0]!.data).toMatchObject({ instanceId: 'r1', status: 'FAILED', previousStatus: 'RUNNING' });
    expect(get('instance:log')[0]!.data).toMatchObject({ instanceId: 'r1', level: 'error', message: 'OOM killed' });
    expect(get('job:completed').find((m) => m.data.jobId === done.jobId)!.data.result).toEqual({ buildId: '12345678' });
    expect(get('job:failed').find((m) => m.data.jobId === failed.jobId)!.data.error.message).toMatch(/step 2/);
    expect(get('job:cancelled')[0]!.data).toMatchObject({ jobId: cancelled.jobId, reason: 'user asked' });
    expect(get('system:error')[0]!.data).toMatchObject({ code: 'DISK_FULL', details: { path: '/var' } });
    // Progress of the completed job rises, then completion; every timestamp is ISO 8601.
    const doneEvents = all.filter((m) => (m.data as { jobId?: string }).jobId === done.jobId).map((m) => m.event);
    expect(doneEvents).toEqual(['job:created', 'job:progress', 'job:progress', 'job:completed']);
    expect(progress.filter((p) => p.jobId === done.jobId).map((p) => p.percent)).toEqual([33, 67]);
    for (const m of all) {
      for (const [k, v] of Object.entries(m.data)) if (/At$|^timestamp$/.test(k)) expect(new Date(v as string).toISOString(), `${m.event}.${k}`).toBe(v);
    }
    expect(jobs.every((e) => e.startsWith('job:'))).toBe(true);
    expect(jobs.length).toBe(all.filter((m) => m.event.startsWith('job:')).length);
    expect(c.stats).toEqual({ received: all.length, rejected: 0 });
  });

  it('a malformed, invalid or unknown frame is logged and ignored; the stream goes on', async () => {
    const { http, cp } = await host();
    const logged: string[] = [];
    const c = client(http.url, { logger: { warn: (m) => logged.push(m) } });
    const codes: string[] = [];
    c.on('error', (e) => codes.push(e.code));
    const got: string[] = [];
    c.on('*', (m) => got.push(m.event));
    c.connect();
    await once(c, 'connected');
    cp.sendRaw('{"event":"job:progress", oops');
    cp.sendRaw(JSON.stringify({ event: 'job:progress', data: { jobId: 'j' } }));
    cp.sendRaw(JSON.stringify({ event: 'job:exploded', data: {} }));
    cp.bus.systemError('AFTER', 'still streaming');
    await until(() => got.includes('system:error'), 'event after the bad frames');
    expect(codes).toEqual([ErrorCodes.FW_PROTOCOL_MALFORMED, ErrorCodes.FW_PROTOCOL_INVALID, ErrorCodes.FW_PROTOCOL_UNKNOWN]);
    expect(logged).toHaveLength(3);
    expect(logged[0]).toMatch(/FW_PROTOCOL_MALFORMED/);
    expect(c.state).toBe('connected');
    expect(c.stats).toEqual({ received: 1, rejected: 3 });
  });

  it('sends ?token=; with requireToken a wrong token gets 401 (terminal FW_AUTH_REJECTED) and a right one streams', async () => {
    const { http, cp } = await host(0, { requireToken: true, tokens: ['s3cret'] });
    const bad = client(http.url, { token: 'nope', backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    const err = once<[FleetwireError]>(bad, 'error');
    bad.connect();
    const [e] = await err;
    expect(e.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(e.context.httpStatus).toBe(401);
    await until(() => bad.state === 'closed', 'closed');
    const good = client(http.url, { token: async () => 's3cret' });
    good.connect();
    await once(good, 'connected');
    const ev = once<[unknown]>(good, 'system:error');
    cp.bus.systemError('X', 'y');
    await ev;
    expect(cp.counters.authFailures).toBe(1);
  });

  it('reconnects when the server goes away and comes back on the same port, and resumes the stream', async () => {
    const first = await host();
    const port = first.http.port;
    const c = client(first.http.url);
    c.on('error', () => {});
    const got: string[] = [];
    c.on('job:created', (d) => got.push(d.jobId));
    c.connect();
    await once(c, 'connected');
    await first.close();
    await until(() => c.state === 'reconnecting', 'reconnecting');
    const second = await host(port);
    await until(() => second.cp.clientCount() === 1, 'client back', 8000);
    const job = second.cp.jobs.createJob({ steps: 0, stepMs: 1 });
    await until(() => got.includes(job.jobId), 'event after reconnect');
    expect(c.state).toBe('connected');
  });

  it("the document's own reconnect policy is one setting: 10 attempts, min(1000·2^n, 30000), then FW_RETRIES_EXHAUSTED", async () => {
    const http = await listen(0);
    const port = http.port;
    await http.close(); // nothing listens: every attempt fails
    const delays: number[] = [];
    const c = client(`ws://127.0.0.1:${port}`, { backoff: { ...CONTROL_PLANE_DOCUMENTED_BACKOFF, initialDelayMs: 2, maxDelayMs: 30 } });
    c.on('error', () => {});
    c.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    const closed = new Promise<string>((r) => c.on('state', (t) => t.to === 'closed' && r(t.code)));
    c.connect();
    expect(await closed).toBe('RETRIES_EXHAUSTED');
    // Same shape as the documented policy, scaled by 1/1000 to keep the test fast.
    expect(delays).toEqual([2, 4, 8, 16, 30, 30, 30, 30, 30, 30]);
    expect(CONTROL_PLANE_DOCUMENTED_BACKOFF).toMatchObject({ initialDelayMs: 2000, factor: 2, maxDelayMs: 30_000, maxAttempts: 10, jitter: 'none' });
  });
});
