import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, type FleetwireError, type StateTransition } from '../src/index.js';
import { LightdConsole, type LightdConsoleOptions, type lightd } from '../src/protocols/lightd/index.js';
import { startLightdServer, type RunningLightdServer, type LightdState } from '../../mock-backend/src/lightd/index.js';
import { once, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function lightdServer(port = 0, state?: LightdState): Promise<RunningLightdServer> {
  const s = await startLightdServer({ port, state, expiryCheckMs: 20 });
  let closed = false;
  const close = s.close.bind(s);
  s.close = async () => void (closed || ((closed = true), await close()));
  cleanups.push(() => s.close());
  if (!state) s.createContainer('srv-1', { stepMs: 5 });
  return s;
}

function lightdConsole(s: { url: string }, over: Partial<LightdConsoleOptions> & Pick<LightdConsoleOptions, 'token'>): LightdConsole {
  const c = new LightdConsole({ url: s.url, internalId: 'srv-1', backoff: { initialDelayMs: 20, maxDelayMs: 100 }, ...over });
  cleanups.push(() => c.close());
  return c;
}

const collect = <T>(c: LightdConsole, event: 'console' | 'daemon_message' | 'logs' | 'console duplicate'): string[] => {
  const out: string[] = [];
  c.on(event, (d: string) => out.push(d));
  return out;
};

describe('LightdConsole against the mock lightd server', () => {
  it('on connect: the current state and stats; then state events through a full start/stop cycle with daemon messages', async () => {
    const s = await lightdServer();
    const c = lightdConsole(s, { token: s.createToken().token });
    const states: { from: lightd.ContainerState | null; to: lightd.ContainerState }[] = [];
    c.on('container_state', (t) => states.push(t));
    const stats = once<[lightd.StatsFields]>(c, 'stats');
    const daemon = collect(c, 'daemon_message');
    c.connect();
    await once(c, 'connected');
    expect((await stats)[0]).toMatchObject({ cpu_usage: 0, memory_limit: 512 * 1024 * 1024 });
    await until(() => c.containerState === 'installed', 'initial state');
    c.power('start');
    await until(() => c.containerState === 'running', 'running');
    c.power('stop');
    await until(() => c.containerState === 'exit', 'exit');
    expect(states.map((t) => t.to)).toEqual(['installed', 'starting', 'running', 'stopping', 'exit']);
    expect(states[1]).toEqual({ from: 'installed', to: 'starting' });
    await until(() => daemon.includes('Container stopped'), 'stopped message');
    expect(daemon).toEqual(['Container started', 'Server started', 'Container stopped']);
  });

  it('installing → installed, kill and restart, each with the document\'s daemon messages', async () => {
    const s = await lightdServer();
    const ctr = s.createContainer('fresh', { state: 'installing', stepMs: 5 });
    const c = lightdConsole(s, { token: s.createToken({ internalId: 'fresh' }).token, internalId: 'fresh' });
    const seen: string[] = [];
    c.on('container_state', (t) => seen.push(t.to));
    const daemon = collect(c, 'daemon_message');
    c.connect();
    await until(() => c.containerState === 'installing', 'installing');
    ctr.install();
    await until(() => c.containerState === 'installed', 'installed');
    c.power('start');
    await until(() => c.containerState === 'running', 'running');
    c.power('restart');
    await until(() => daemon.includes('Container restarted'), 'restarted');
    c.power('kill');
    await until(() => c.containerState === 'exit', 'killed');
    expect(seen).toEqual(['installing', 'installing', 'installed', 'starting', 'running', 'stopping', 'exit', 'starting', 'running', 'exit']);
    expect(daemon).toContain('Container stopped');
    c.power('stop');
    await until(() => daemon.includes('Error: container is not running'), 'error daemon message');
  });

  it('sendCommand appends the newline; console output streams; duplicates only when asked; stats only on change', async () => {
    const s = await lightdServer();
    s.state.containers.get('srv-1')!.setState('running');
    const plain = lightdConsole(s, { token: s.createToken().token });
    const withDup = lightdConsole(s, { token: s.createToken().token, includeDuplicates: true });
    const out = collect(plain, 'console');
    const dupOut = collect(plain, 'console duplicate');
    const dup = collect(withDup, 'console duplicate');
    const stats: lightd.StatsFields[] = [];
    plain.on('stats', (st) => stats.push(st));
    plain.connect();
    withDup.connect();
    await until(() => s.server.clientCount('srv-1') === 2 && stats.length === 1, 'both connected');
    plain.sendCommand("echo 'Hello World'");
    await until(() => out.length === 2, 'echo + answer');
    expect(out).toEqual(["> echo 'Hello World'\n", 'Hello World\n']);
    expect(s.state.containers.get('srv-1')!.commands).toEqual(["echo 'Hello World'"]);
    expect(s.server.received.at(-1)?.msg).toEqual({ event: 'send_command', command: "echo 'Hello World'\n" });
    await until(() => dup.length === 2, 'duplicates for the opted-in client');
    expect(dupOut).toEqual([]);
    s.pushStats('srv-1', { cpu_usage: 25.5, memory_usage: 134217728 });
    s.pushStats('srv-1', { cpu_usage: 25.5 }); // unchanged: not sent
    s.pushStats('srv-1', { network_rx: 1024 });
    s.pushConsole('srv-1', 'marker\n'); // arrives after any stats sent before it
    await until(() => out.includes('marker\n'), 'marker');
    expect(stats.map((x) => [x.cpu_usage, x.network_rx])).toEqual([[0, 0], [25.5, 0], [25.5, 1024]]);
  });

  it('requestLogs resolves with the history; a server that never answers → FW_TIMEOUT', async () => {
    const s = await lightdServer();
    s.pushConsole('srv-1', 'Previous log line 1\n');
    s.pushConsole('srv-1', 'Previous log line 2\n');
    const c = lightdConsole(s, { token: s.createToken().token });
    c.connect();
    await once(c, 'connected');
    expect(await c.requestLogs()).toBe('Previous log line 1\nPrevious log line 2\n');
    const ghost = lightdConsole(s, { token: s.createToken().token, internalId: 'no-such-container' });
    ghost.connect();
    await once(ghost, 'connected'); // the document: accepted, but no events
    await expect(ghost.requestLogs(80)).rejects.toMatchObject({ code: ErrorCodes.FW_TIMEOUT });
  });

  it('power() rejects actions outside start/stop/kill/restart with FW_INVALID_ARGUMENT', async () => {
    const s = await lightdServer();
    const c = lightdConsole(s, { token: 't' });
    expect(() => c.power('pause' as never)).toThrow(expect.objectContaining({ code: ErrorCodes.FW_INVALID_ARGUMENT, message: expect.stringContaining('start, stop, kill, restart') }));
  });

  it('a bad token: 401 at the upgrade is a terminal FW_AUTH_REJECTED, no retry loop', async () => {
    const s = await lightdServer();
    const c = lightdConsole(s, { token: 'lightd_wrong', backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    const transitions: StateTransition[] = [];
    c.on('state', (t) => transitions.push(t));
    const err = once<[FleetwireError]>(c, 'error');
    c.connect();
    const [e] = await err;
    expect(e.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(e.message).toContain('HTTP 401');
    await until(() => c.state === 'closed', 'closed');
    await new Promise((r) => setTimeout(r, 80));
    expect(s.server.counters.refused).toBe(1);
    expect(transitions.map((t) => t.to)).toEqual(['connecting', 'closed']);
  });

  it('a single-use token is consumed by its first connection: a second console is refused', async () => {
    const s = await lightdServer();
    const { token } = s.createToken({ singleUse: true });
    const first = lightdConsole(s, { token });
    first.connect();
    await once(first, 'connected');
    const second = lightdConsole(s, { token });
    const err = once<[FleetwireError]>(second, 'error');
    second.connect();
    expect((await err)[0].code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(first.state).toBe('connected');
  });

  it('token expiry mid-session (close 4001) without a provider ends with a clear FW_TOKEN_EXPIRED', async () => {
    const s = await lightdServer();
    const c = lightdConsole(s, { token: s.createToken({ ttlMs: 150 }).token });
    const errs: FleetwireError[] = [];
    c.on('error', (e) => errs.push(e));
    c.connect();
    await once(c, 'connected');
    await until(() => c.state === 'closed', 'closed at expiry');
    expect(errs.map((e) => e.code)).toEqual([ErrorCodes.FW_TOKEN_EXPIRED]);
    expect(errs[0]!.message).toContain('no token provider');
    expect(errs[0]!.context).toMatchObject({ code: 4001 });
  });

  it('token expiry mid-session with a provider: a fresh (single-use) token, reconnected, streaming again', async () => {
    const s = await lightdServer();
    let calls = 0;
    const c = lightdConsole(s, { token: () => (calls++, s.createToken({ singleUse: true, ttlMs: calls === 1 ? 150 : 60_000 }).token) });
    const out = collect(c, 'console');
    let connects = 0;
    c.on('connected', () => connects++);
    c.connect();
    await until(() => connects === 1, 'first connect');
    await until(() => connects === 2, 'reconnected after 4001');
    expect(calls).toBe(2);
    expect(s.server.counters.expired).toBe(1);
    s.pushConsole('srv-1', 'after refresh\n');
    await until(() => out.includes('after refresh\n'), 'console flows');
  });

  it('a token expired through the API is caught by the periodic sweep (4001)', async () => {
    const s = await lightdServer();
    const rec = s.createToken();
    const c = lightdConsole(s, { token: rec.token });
    c.on('error', () => {});
    c.connect();
    await once(c, 'connected');
    s.state.expire(rec.token);
    await until(() => c.state === 'closed', 'closed by the sweep');
    expect(s.server.counters.expired).toBe(1);
  });

  it('malformed, unknown and invalid frames become typed errors; the console stays up', async () => {
    const s = await lightdServer();
    const c = lightdConsole(s, { token: s.createToken().token });
    const codes: string[] = [];
    c.on('error', (e) => codes.push(e.code));
    const out = collect(c, 'console');
    c.connect();
    await until(() => s.server.clientCount('srv-1') === 1, 'connected');
    s.server.sendRaw('srv-1', 'not json');
    s.server.sendRaw('srv-1', JSON.stringify({ event: 'telemetry' }));
    s.server.sendRaw('srv-1', JSON.stringify({ event: 'event', data: 'paused' }));
    s.server.sendRaw('srv-1', JSON.stringify({ event: 'stats', cpu_usage: '1' }));
    s.pushConsole('srv-1', 'still alive\n');
    await until(() => out.includes('still alive\n'), 'console after bad frames');
    expect(codes).toEqual([ErrorCodes.FW_PROTOCOL_MALFORMED, ErrorCodes.FW_PROTOCOL_UNKNOWN, ErrorCodes.FW_PROTOCOL_INVALID, ErrorCodes.FW_PROTOCOL_INVALID]);
    expect(c.state).toBe('connected');
  });

  it('after the server goes away and comes back on the same port: reconnects and resubscribes; queued commands go out', async () => {
    const s1 = await lightdServer();
    const ctr = s1.state.containers.get('srv-1')!;
    ctr.setState('running');
    const c = lightdConsole(s1, { token: s1.createToken().token });
    const out = collect(c, 'console');
    let connects = 0;
    c.on('connected', () => connects++);
    c.connect();
    await until(() => connects === 1, 'connected');
    await s1.close();
    await until(() => c.state === 'reconnecting', 'reconnecting');
    c.sendCommand('say queued'); // while down: goes to the send queue
    expect(c.queuedSends).toBe(1);
    const s2 = await lightdServer(s1.port, s1.state);
    await until(() => connects === 2 && s2.server.clientCount('srv-1') === 1, 'resubscribed');
    await until(() => out.includes('queued\n'), 'queued command ran after reconnect');
    s2.pushConsole('srv-1', 'from the new server\n');
    await until(() => out.includes('from the new server\n'), 'stream resumed');
    expect(c.containerState).toBe('running');
  });
});
