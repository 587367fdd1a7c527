/**
 * The problems a real k6 run showed (issue 14), reproduced in the Node shim:
 * each VU runs in k6's iteration loop and ends with k6's own end-of-test
 * threshold evaluation and exit code (./k6-end-of-test.ts), so "k6 would exit
 * 0" is something a test can assert against.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { Server } from 'socket.io';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { cleanup, runVu, type VuResult } from './run-vu.ts';

afterAll(cleanup);

async function mock(t: TestContext): Promise<MockBackend> {
  const b = await startMockBackend({ ephemeral: true });
  t.onTestFinished(() => b.close());
  return b;
}

/** A 127.0.0.1 port nothing listens on (bound, then closed): connections to it are refused. */
async function refusedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const SCRIPTS = ['fleet', 'monitor', 'vstats', 'lightd', 'control-plane'];
const base = (b: MockBackend, d: 'monitor' | 'vstats' | 'lightd' | 'controlPlane') => `ws://127.0.0.1:${b.endpoints[d]!.port}`;
const why = (r: VuResult) => `exit ${r.exitCode}; failed: ${r.failedThresholds.join(', ')}; errors: ${r.iterationErrors.slice(0, 2).join(' | ')}; warnings: ${r.warnings.slice(0, 4).join(' | ')}`;

describe.concurrent('issue 14 problem 2: a run whose every iteration fails cannot exit 0', { timeout: 60_000 }, () => {
  // What k6 v1.0.0 did with k6/experimental/websockets and a null params argument:
  // the WebSocket constructor throws in every iteration, nothing is measured.
  const throwing = { websocketThrows: 'Cannot convert undefined or null to object' };
  it.for(SCRIPTS)('%s: iterations that throw fail the thresholds (exit 99)', async (script: string, t: TestContext) => {
    const b = await mock(t);
    const env: Record<string, string> = { DURATION: '1500ms' };
    if (script === 'fleet') env.BASE_URL = b.fleetUrl;
    else if (script === 'lightd') Object.assign(env, { BASE_URL: base(b, 'lightd'), ADMIN_URL: b.adminUrl!, ADMIN_TOKEN: b.adminToken });
    else env.BASE_URL = base(b, script === 'control-plane' ? 'controlPlane' : (script as 'monitor' | 'vstats'));
    const r = await runVu(script, env, { faults: throwing, maxIterations: 2000 });
    expect(r.sockets).toBe(0);
    expect(r.exitCode, why(r)).toBe(99);
    expect(r.summary?.stdout).not.toContain('(all passed)');
  });

  it('lightd: when setup() aborts, the summary does not say "(all passed)"', async (t) => {
    const b = await mock(t);
    const r = await runVu('lightd', { BASE_URL: base(b, 'lightd'), ADMIN_URL: b.adminUrl!, ADMIN_TOKEN: 'fwadm_wrong-token' });
    expect(r.error).toMatch(/HTTP 401/);
    expect(r.exitCode).toBe(107);
    expect(r.summary?.stdout, r.summary?.stdout).toBeDefined();
    expect(r.summary?.stdout).not.toContain('(all passed)');
  });
});

describe.concurrent('issue 14 problem 3: no reconnect at the end of the run', { timeout: 60_000 }, () => {
  it.for(SCRIPTS)('%s: one VU opens one session for the whole run', async (script: string, t: TestContext) => {
    const b = await mock(t);
    // lightd's setup() and container request are synchronous HTTP calls before its session: more time.
    const env: Record<string, string> = { DURATION: script === 'lightd' ? '6s' : '2500ms' };
    if (script === 'fleet') env.BASE_URL = b.fleetUrl;
    else if (script === 'lightd') Object.assign(env, { BASE_URL: base(b, 'lightd'), ADMIN_URL: b.adminUrl!, ADMIN_TOKEN: b.adminToken });
    else env.BASE_URL = base(b, script === 'control-plane' ? 'controlPlane' : (script as 'monitor' | 'vstats'));
    const r = await runVu(script, env);
    const prefix = script.replace('-', '_');
    expect(r.sockets, why(r)).toBe(1);
    expect(r.count(`${prefix}_lifecycle_success`, (_v, tags) => tags?.step === 'connect')).toBe(1);
    expect(r.interrupted).toBe(false);
    // Latency thresholds depend on how busy the box is; every other one must pass.
    expect(r.failedThresholds.filter((f) => !/_ms: /.test(f)), why(r)).toEqual([]);
  });

  it('control-plane with MIN_EVENTS=1: no empty tail session fails the run', async (t) => {
    const b = await mock(t);
    const vu = runVu('control-plane', { BASE_URL: base(b, 'controlPlane'), DURATION: '3s', MIN_EVENTS: '1' });
    await new Promise<void>((resolve, reject) => {
      const end = Date.now() + 10_000;
      const tick = () => (b.servers.controlPlane!.clientCount() >= 1 ? resolve() : Date.now() > end ? reject(new Error('no subscriber')) : setTimeout(tick, 10));
      tick();
    });
    b.state.jobs.createJob({ type: 'INSTALL_SERVER', steps: 1, stepMs: 10 });
    const r = await vu;
    expect(r.count('control_plane_lifecycle_success', (v, tags) => v === 0 && tags?.step === 'events'), why(r)).toBe(0);
    expect(r.exitCode, why(r)).toBe(0);
  });
});

describe.concurrent('issue 14 problem 5 and the minor items', { timeout: 60_000 }, () => {
  it('fleet: an ack that arrives after ACK_TIMEOUT is a late ack (lost once), not a protocol error', async (t) => {
    // A bare Socket.IO /fleet server that answers the first heartbeat late.
    const http = createHttpServer();
    const io = new Server(http, { transports: ['websocket'] });
    let beats = 0;
    io.of('/fleet').on('connection', (socket) => {
      socket.on('heartbeat', (_p: unknown, ack: (r: unknown) => void) => {
        if (beats++ === 0) setTimeout(() => ack({ success: true }), 2500);
        else ack({ success: true });
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    t.onTestFinished(() => new Promise<void>((r) => io.close(() => r())));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const r = await runVu('fleet', { BASE_URL: url, DURATION: '4s', HEARTBEAT_INTERVAL: '1s', ACK_TIMEOUT: '500ms' });
    expect(r.count('fleet_acks_lost'), why(r)).toBe(1);
    expect(r.count('fleet_protocol_errors'), why(r)).toBe(0);
    expect(r.count('fleet_acks_late')).toBe(1);
  });

  it.each(['fleet', 'monitor'])('%s: a refused connection counts as one failed step per attempt', async (script) => {
    const port = await refusedPort();
    const r = await runVu(script, { BASE_URL: `http://127.0.0.1:${port}`, DURATION: '2s' });
    const prefix = script.replace('-', '_');
    expect(r.sockets).toBeGreaterThanOrEqual(1);
    expect(r.count(`${prefix}_lifecycle_success`, (v) => v === 0), why(r)).toBe(r.sockets);
    expect(r.exitCode).toBe(99);
  });

  it('fleet: p(99), a default threshold, is in the text summary', async (t) => {
    const b = await mock(t);
    const r = await runVu('fleet', { BASE_URL: b.fleetUrl, DURATION: '1500ms' });
    expect(r.options.thresholds.fleet_heartbeat_ack_ms).toContain('p(99)<1000');
    const line = (r.summary?.stdout ?? '').split('\n').find((l) => l.includes('fleet_heartbeat_ack_ms.'));
    expect(line, r.summary?.stdout ?? '').toMatch(/p\(99\)=\d/);
  });
});
