import { afterEach, describe, expect, it } from 'vitest';
import { startLightdServer, type RunningLightdServer } from '../src/lightd/index.js';
import { rawClient, wsBase } from './monitor-ws-helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(over: Parameters<typeof startLightdServer>[0] = {}): Promise<RunningLightdServer> {
  const s = await startLightdServer({ port: 0, ...over });
  cleanups.push(() => s.close());
  s.createContainer('c1', { state: 'running', stepMs: 5 });
  return s;
}
function client(s: RunningLightdServer, id: string, token: string | null) {
  const c = rawClient(`${wsBase(s.url)}/ws/${id}${token === null ? '' : `?token=${token}`}`);
  cleanups.push(() => c.ws.terminate());
  return c;
}

describe('mock lightd server (raw clients)', () => {
  for (const [name, token, id] of [
    ['no token', null, 'c1'],
    ['unknown token', 'lightd_nope', 'c1'],
  ] as const) {
    it(`${name}: refused with HTTP 401 at the upgrade`, async () => {
      const s = await server();
      expect(await client(s, id, token).refused).toBe(401);
      expect(s.server.counters.refused).toBe(1);
    });
  }

  it('a token bound to another container, or already expired, is refused with 401', async () => {
    const s = await server();
    s.createContainer('c2');
    expect(await client(s, 'c1', s.createToken({ internalId: 'c2' }).token).refused).toBe(401);
    expect(await client(s, 'c1', s.createToken({ ttlMs: -1 }).token).refused).toBe(401);
    expect(await client(s, 'c2', s.createToken({ internalId: 'c2' }).token).refused).toBe(null);
  });

  it('on connect: the current state then the current stats', async () => {
    const s = await server();
    const c = client(s, 'c1', s.createToken().token);
    expect(await c.next()).toEqual({ event: 'event', data: 'running' });
    expect(await c.next()).toMatchObject({ event: 'stats', cpu_usage: 0, memory_usage: 0, memory_limit: 536870912 });
  });

  it('each client has its own stream; console comes with its duplicate', async () => {
    const s = await server();
    const a = client(s, 'c1', s.createToken().token);
    const b = client(s, 'c1', s.createToken().token);
    await a.next(), await a.next(), await b.next(), await b.next();
    a.send({ event: 'send_command', command: 'echo hi\n' });
    for (const c of [a, b]) {
      expect(await c.next()).toEqual({ event: 'console', data: '> echo hi\n' });
      expect(await c.next()).toEqual({ event: 'console duplicate', data: '> echo hi\n' });
    }
    b.ws.close();
    await b.closed;
    s.pushConsole('c1', 'only a\n');
    expect(await a.next()).toEqual({ event: 'console', data: 'hi\n' });
    await a.next(); // its duplicate
    expect(await a.next()).toEqual({ event: 'console', data: 'only a\n' });
    expect(s.server.clientCount('c1')).toBe(1);
  });

  it('request_logs → logs with the history; power → state events; invalid frames → an Error daemon message, connection kept', async () => {
    const s = await server({ sendDuplicates: false });
    s.pushConsole('c1', 'line 1\n');
    const c = client(s, 'c1', s.createToken().token);
    await c.next(), await c.next();
    c.send('{oops');
    expect(await c.next()).toEqual({ event: 'daemon_message', data: 'Error: invalid message' });
    c.send({ event: 'power', action: 'explode' });
    expect(await c.next()).toEqual({ event: 'daemon_message', data: 'Error: invalid message' });
    c.send({ event: 'request_logs' });
    expect(await c.next()).toEqual({ event: 'logs', data: 'line 1\n' });
    c.send({ event: 'power', action: 'stop' });
    expect(await c.next()).toEqual({ event: 'event', data: 'stopping' });
    expect(s.server.counters.invalidMessages).toBe(2);
  });

  it('an unknown container: connection accepted, no events sent', async () => {
    const s = await server();
    const c = client(s, 'ghost', s.createToken().token);
    expect(await c.refused).toBe(null);
    c.send({ event: 'request_logs' });
    await expect(c.next(150)).rejects.toThrow(/no frame/);
  });

  it('a token expiring mid-session closes with 4001', async () => {
    const s = await server();
    const c = client(s, 'c1', s.createToken({ ttlMs: 100 }).token);
    expect(await c.closed).toEqual({ code: 4001, reason: 'token expired' });
  });

  it('a token valid for 25 days (past the 2^31 ms setTimeout limit) keeps its session open', async () => {
    const s = await server({ sendDuplicates: false });
    s.pushConsole('c1', 'line 1\n');
    const c = client(s, 'c1', s.createToken({ ttlMs: 2_160_000 * 1000 }).token);
    await c.next(), await c.next();
    // An overflowing expiry timer fires after 1 ms: by the time logs come back the session would be gone.
    c.send({ event: 'request_logs' });
    expect(await c.next()).toEqual({ event: 'logs', data: 'line 1\n' });
    expect(s.server.counters.expired).toBe(0);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it('frames above maxPayload close the socket (1009) without crashing the server', async () => {
    const s = await server({ maxPayload: 256 });
    const c = client(s, 'c1', s.createToken().token);
    c.send({ event: 'send_command', command: 'x'.repeat(1000) });
    expect((await c.closed).code).toBe(1009);
    const d = client(s, 'c1', s.createToken().token);
    expect(await d.next()).toMatchObject({ event: 'event' });
  });
});
