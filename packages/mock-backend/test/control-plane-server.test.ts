/** The mock control-plane at the socket level, with raw `ws` clients. */
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../src/http-host.js';
import { FleetState } from '../src/state/fleet.js';
import { JobsState } from '../src/state/jobs.js';
import { attachControlPlane, type ControlPlaneOptions } from '../src/control-plane/index.js';
import { rawClient, type RawClient } from './vstats-raw-ws.js';
import { sampleMetrics, until } from '../../sdk/test/helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(over: ControlPlaneOptions = {}) {
  const http = await listen(0);
  const fleetState = new FleetState();
  const cp = attachControlPlane(http, { fleetState, ...over });
  cleanups.push(async () => {
    cp.close();
    await http.close();
  });
  return { http, cp, fleetState, ws: `ws://127.0.0.1:${http.port}/ws` };
}
function client(url: string, opts?: object): RawClient {
  const c = rawClient(url, opts as never);
  cleanups.push(() => c.ws.terminate());
  return c;
}
const events = (c: RawClient) => c.frames.map((f) => (f as { event: string }).event);

describe('mock control-plane', () => {
  it('is push-only: client garbage and JSON are ignored and logged, never answered, and the client stays connected', async () => {
    const warnings: string[] = [];
    const { cp, ws } = await host({ logger: { info() {}, warn: (m) => warnings.push(m) } });
    const c = client(ws);
    await c.opened;
    c.ws.send('garbage{{{');
    c.ws.send(JSON.stringify({ event: 'job:cancel', data: { jobId: 'x' } }));
    c.ws.send(Buffer.from([0xff, 0x00, 0x13]));
    await until(() => cp.counters.ignoredMessages === 3, 'three ignored frames');
    cp.bus.systemError('PROBE', 'still connected?');
    await until(() => c.frames.length === 1, 'the next event');
    expect(events(c)).toEqual(['system:error']); // nothing answered the client's frames
    expect(c.closed).toBeNull();
    expect(cp.ignored[0]).toBe('garbage{{{');
    expect(warnings.filter((w) => /ignored a client message/.test(w))).toHaveLength(3);
  });

  it('accepts ?token= when not required; with requireToken, 401 for a missing or wrong token', async () => {
    const open = await host();
    const c = client(`${open.ws}?token=anything`);
    await c.opened;
    const { cp, ws } = await host({ requireToken: true, tokens: ['t1'] });
    const none = client(ws);
    const wrong = client(`${ws}?token=t2`);
    const right = client(`${ws}?token=t1`);
    await expect(none.opened).rejects.toThrow(/401/);
    await expect(wrong.opened).rejects.toThrow(/401/);
    await right.opened;
    expect(cp.counters.authFailures).toBe(2);
  });

  it('turns FleetState into agent:* and instance:* events, throttling heartbeats per node', async () => {
    const { fleetState, ws } = await host({ heartbeatThrottleMs: 60_000 });
    const c = client(ws);
    await c.opened;
    fleetState.markOnline('n1');
    fleetState.markOnline('n2');
    for (let i = 0; i < 5; i++) {
      fleetState.heartbeat({ nodeId: 'n1', status: 'busy', metrics: sampleMetrics() });
      fleetState.heartbeat({ nodeId: 'n2', status: 'online', metrics: sampleMetrics() });
    }
    fleetState.instanceStarted('n1', { rentalId: 'r1', containerId: 'c1', connectionInfo: { sshHost: 'h', sshPort: 22 } });
    fleetState.instanceStarted('n1', { rentalId: 'r1', containerId: 'c1', connectionInfo: { sshHost: 'h', sshPort: 22 } }); // a repeat: same fact
    fleetState.instanceStopped('n1', { rentalId: 'r1', containerId: 'c1', reason: 'requested', errorMessage: null });
    fleetState.markOffline('n1');
    await until(() => events(c).includes('agent:offline'), 'offline');
    expect(events(c)).toEqual([
      'agent:registered', 'agent:registered', 'agent:heartbeat', 'agent:heartbeat',
      'instance:created', 'instance:status_changed', 'agent:offline',
    ]);
    expect(c.frames[5]).toMatchObject({ data: { instanceId: 'r1', status: 'STOPPED', previousStatus: 'RUNNING' } });
  });

  it('runs simulated jobs: created → progress… → completed, failed at a step, cancelled', async () => {
    const jobs = new JobsState();
    cleanups.push(() => jobs.close());
    const { ws } = await host({ jobs });
    const c = client(ws);
    await c.opened;
    const ok = jobs.createJob({ steps: 3, stepMs: 2, type: 'INSTALL_SERVER' });
    await until(() => events(c).includes('job:completed'), 'completed');
    expect(events(c)).toEqual(['job:created', 'job:progress', 'job:progress', 'job:progress', 'job:completed']);
    expect(c.frames.map((f) => (f as { data: { percent?: number } }).data.percent).filter((p) => p !== undefined)).toEqual([25, 50, 75]);
    expect(ok.status).toBe('COMPLETED');
    c.frames.length = 0;
    const bad = jobs.createJob({ steps: 3, stepMs: 2, failAtStep: 2, failMessage: 'checksum mismatch' });
    await until(() => events(c).includes('job:failed'), 'failed');
    expect(events(c)).toEqual(['job:created', 'job:progress', 'job:failed']);
    expect(c.frames[2]).toMatchObject({ data: { jobId: bad.jobId, error: { message: 'checksum mismatch' } } });
    c.frames.length = 0;
    const slow = jobs.createJob({ steps: 3, stepMs: 60_000 });
    expect(jobs.cancelJob(slow.jobId)).toBe(true);
    expect(jobs.cancelJob(slow.jobId)).toBe(false); // already ended
    await until(() => events(c).includes('job:cancelled'), 'cancelled');
    expect(() => jobs.createJob({ steps: -1 })).toThrow(/steps/);
  });

  it('drops a client that does not answer pings, keeps one that does', async () => {
    const { cp, ws } = await host({ pingIntervalMs: 50 });
    const silent = client(ws, { autoPong: false });
    const polite = client(ws);
    await Promise.all([silent.opened, polite.opened]);
    await until(() => silent.closed !== null, 'silent dropped', 3000);
    await until(() => polite.pings >= 3, 'polite still pinged', 3000);
    expect(polite.closed).toBeNull();
    expect(cp.counters.pingDrops).toBe(1);
  });

  it('bus.publish refuses an invalid payload (the mock never sends what a client would reject)', async () => {
    const { cp } = await host();
    expect(() => cp.bus.publish('job:progress', { jobId: 'j' } as never)).toThrow(/invalid job:progress/);
    expect(() => cp.bus.publish('job:exploded' as never, {} as never)).toThrow(/unknown event/);
  });
});
