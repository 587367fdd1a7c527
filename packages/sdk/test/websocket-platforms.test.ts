/**
 * The plain-WebSocket clients on every WebSocket a user can end up with in
 * Node: the `ws` package (the default in Node 20 and 22) and Node 22's built-in
 * one (undici, when passed as `WebSocket`). Each case runs per constructor; the
 * documented platform differences are expectations here, not failures:
 * - the built-in WebSocket hides the HTTP status of a refused upgrade (a 401 is
 *   close 1006, so it is retried as a connect failure instead of being final);
 * - it does not enforce `maxPayload` (the big frame is delivered).
 * Node 20 has no built-in WebSocket: only `ws` runs there.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsPackage, WebSocketServer } from 'ws';
import { ErrorCodes, type FleetwireError } from '../src/index.js';
import { ControlPlaneEvents, type ControlPlaneEventsOptions } from '../src/protocols/control-plane/index.js';
import { defaultWebSocket, type WebSocketConstructor } from '../src/transports/websocket.js';
import { listen } from '../../mock-backend/src/http-host.js';
import { FleetState } from '../../mock-backend/src/state/fleet.js';
import { attachControlPlane, type ControlPlaneOptions } from '../../mock-backend/src/control-plane/index.js';
import { once, until } from './helpers.js';

const builtin = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;

/** What each constructor can do; the tests branch on it. */
const platforms: { name: string; WebSocket: WebSocketConstructor; httpStatus: boolean; maxPayload: boolean }[] = [
  { name: 'ws package', WebSocket: WsPackage as unknown as WebSocketConstructor, httpStatus: true, maxPayload: true },
  ...(builtin ? [{ name: `built-in WebSocket (Node ${process.versions.node})`, WebSocket: builtin, httpStatus: false, maxPayload: false }] : []),
];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function host(port = 0, over: ControlPlaneOptions = {}) {
  const http = await listen(port);
  const cp = attachControlPlane(http, { fleetState: new FleetState(), heartbeatThrottleMs: 0, ...over });
  cleanups.push(async () => {
    cp.close();
    await http.close();
  });
  return { http, cp };
}

function client(url: string, over: Partial<ControlPlaneEventsOptions>) {
  const c = new ControlPlaneEvents({ url, backoff: { initialDelayMs: 20, maxDelayMs: 100 }, ...over });
  const errors: FleetwireError[] = [];
  /** Connect failures and losses: reconnect noise, carried by `reconnecting`, never `error`. */
  const failures: FleetwireError[] = [];
  c.on('error', (e) => errors.push(e));
  c.on('reconnecting', (i) => i.error && failures.push(i.error));
  cleanups.push(() => c.close());
  return { c, errors, failures };
}

/** A TCP server that accepts and never answers the upgrade. */
async function blackHole(): Promise<{ port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const srv: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), srv.close(() => r()))));
  return { port: (srv.address() as { port: number }).port, sockets };
}

describe('connectTimeoutMs', () => {
  it('is checked up front: a number of milliseconds > 0', () => {
    for (const bad of [0, -1, Number.NaN, '10' as unknown as number, 2 ** 31]) {
      expect(() => new ControlPlaneEvents({ url: 'ws://127.0.0.1:1', connectTimeoutMs: bad }), String(bad)).toThrow(/connectTimeoutMs must be a number of milliseconds > 0/);
    }
    expect(() => new ControlPlaneEvents({ url: 'ws://127.0.0.1:1', connectTimeoutMs: 1 }).close()).not.toThrow();
  });
});

describe('the default WebSocket in Node', () => {
  it('is the ws package (status codes, maxPayload, headers), also where Node has a built-in one', () => {
    expect(defaultWebSocket()).toBe(WsPackage);
  });

  it('is a replaced globalThis.WebSocket when something (msw) patched it after the SDK loaded', () => {
    const g = globalThis as { WebSocket?: unknown };
    const before = g.WebSocket;
    class Patched {}
    g.WebSocket = Patched;
    try {
      expect(defaultWebSocket()).toBe(Patched);
    } finally {
      g.WebSocket = before;
    }
    expect(defaultWebSocket()).toBe(WsPackage);
  });
});

describe.each(platforms)('plain-WebSocket client on the $name', (p) => {
  it('started while the server is down: connect failures and retries, then connected once the server is up', async () => {
    const probe = await listen(0);
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const { c, errors, failures } = client(`ws://127.0.0.1:${port}`, { WebSocket: p.WebSocket });
    const attempts: number[] = [];
    c.on('reconnecting', (i) => attempts.push(i.attempt));
    c.connect();
    await until(() => attempts.length >= 2, 'two retries scheduled', 15_000);
    expect(c.state).not.toBe('connected');
    expect(errors).toEqual([]);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.every((e) => e.code === ErrorCodes.FW_CONNECT_FAILED)).toBe(true);
    await host(port);
    await until(() => c.state === 'connected', 'connected after the server came up', 15_000);
  }, 40_000);

  it('an upgrade that never completes ends at connectTimeoutMs as FW_CONNECT_FAILED, then is retried', async () => {
    const hole = await blackHole();
    const { c, failures } = client(`ws://127.0.0.1:${hole.port}`, { WebSocket: p.WebSocket, connectTimeoutMs: 300 });
    c.connect();
    await until(() => hole.sockets.length >= 2, 'a second attempt after the timeout', 15_000);
    const e = failures.find((x) => x.code === ErrorCodes.FW_CONNECT_FAILED);
    expect(e?.message).toMatch(/connect timeout: not open after 300 ms/);
  }, 30_000);

  it(p.httpStatus ? 'a 401 at the upgrade is a terminal FW_AUTH_REJECTED' : 'a 401 at the upgrade shows as close 1006: a retried FW_CONNECT_FAILED (documented limit)', async () => {
    const { http, cp } = await host(0, { requireToken: true, tokens: ['s3cret'] });
    const { c, errors, failures } = client(http.url, { WebSocket: p.WebSocket, token: 'nope', backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    c.connect();
    if (p.httpStatus) {
      await until(() => c.state === 'closed', 'closed for good');
      expect(errors.map((e) => e.code)).toEqual([ErrorCodes.FW_AUTH_REJECTED]);
      expect(errors[0]!.context.httpStatus).toBe(401);
      expect(cp.counters.authFailures).toBe(1);
    } else {
      await until(() => cp.counters.authFailures >= 2, 'a second refused attempt');
      expect(c.state).not.toBe('closed');
      expect(errors).toEqual([]);
      expect(failures[0]!.code).toBe(ErrorCodes.FW_CONNECT_FAILED);
      expect(failures[0]!.context.httpStatus).toBeUndefined();
      expect(failures[0]!.context.code).toBe(1006);
    }
  });

  it(p.maxPayload ? 'a frame over maxPayload is refused: connection lost, reconnect' : 'maxPayload is not enforced: the big frame is delivered (documented limit)', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    cleanups.push(() => new Promise<void>((r) => (wss.clients.forEach((s) => s.terminate()), wss.close(() => r()))));
    let connections = 0;
    wss.on('connection', (s) => {
      connections++;
      const message = connections === 1 ? 'x'.repeat(64 * 1024) : 'ok';
      s.send(JSON.stringify({ event: 'instance:log', data: { instanceId: 'i', level: 'info', message, timestamp: new Date().toISOString() } }));
    });
    const { c, failures } = client(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`, { WebSocket: p.WebSocket, maxPayload: 1024 });
    const sizes: number[] = [];
    c.on('instance:log', (d) => sizes.push(d.message.length));
    c.connect();
    if (p.maxPayload) {
      await until(() => sizes.length === 1, 'the event after the reconnect');
      expect(sizes).toEqual([2]);
      expect(failures.find((e) => e.code === ErrorCodes.FW_CONNECTION_LOST)?.message).toMatch(/Max payload size exceeded/);
    } else {
      await once(c, 'instance:log');
      expect(sizes).toEqual([64 * 1024]);
      expect(connections).toBe(1);
    }
  });
});
