import { describe, expect, it } from 'vitest';
import { ErrorCodes, type ConnectedInfo, type FleetwireError, type Scheduler, type StateTransition } from '../src/index.js';
import { simulatedExecutor } from '../../mock-backend/src/monitor/index.js';
import type { monitor } from '../src/protocols/monitor/index.js';
import { once, until } from './helpers.js';
import { KEY_A, body, monitorAgent, monitorServer } from './monitor-helpers.js';

describe('MonitorAgent against the mock monitor server', () => {
  it('auth → auth_success: server_id becomes the agent id, metrics go out at once and on every tick', async () => {
    const s = await monitorServer();
    const ticks: { interval: number; fn: () => void }[] = [];
    const manual: Scheduler = { every: (interval, fn) => (ticks.push({ interval, fn }), () => {}) };
    const a = monitorAgent(s, { scheduler: manual, metricsIntervalMs: 5000 });
    const authSuccess = once<[{ serverId: string; message?: string }]>(a, 'auth_success');
    const connected = once<[ConnectedInfo]>(a, 'connected');
    await a.connect();
    const [info] = await authSuccess;
    const expectedId = s.state.serverIdForKey(KEY_A);
    expect(info).toEqual({ serverId: expectedId, message: 'Connected successfully' });
    expect((await connected)[0]).toEqual({ reason: `auth_success as ${expectedId}`, reconnected: false });
    expect(a.serverId).toBe(expectedId);
    expect(a.state).toBe('connected');
    await until(() => s.state.server(expectedId).metricsCount === 1, 'first metrics at once');
    expect(ticks).toHaveLength(1);
    expect(ticks[0]!.interval).toBe(5000);
    ticks[0]!.fn();
    ticks[0]!.fn();
    await until(() => s.state.server(expectedId).metricsCount === 3, 'metrics on each tick');
    const m = s.state.server(expectedId).lastMetrics!;
    expect(m).toMatchObject({ type: 'metrics', server_id: expectedId, ...body() });
    expect(Number.isNaN(Date.parse(m.timestamp))).toBe(false);
    expect(s.state.server(expectedId).online).toBe(true);
  });

  it('an async metrics provider works; an invalid shape is reported, not sent', async () => {
    const s = await monitorServer();
    let bad = false;
    const a = monitorAgent(s, { metrics: async () => (bad ? ({ cpu_percent: 'high' } as never) : body(12)) });
    const errors: FleetwireError[] = [];
    a.on('error', (e) => errors.push(e));
    a.connect();
    await once(a, 'metrics');
    const id = a.serverId!;
    await until(() => s.state.server(id).metricsCount === 1, 'async metrics arrive');
    bad = true;
    await a.sendMetricsNow();
    expect(errors.map((e) => e.code)).toEqual([ErrorCodes.FW_HANDLER_FAILED]);
    expect(s.state.server(id).metricsCount).toBe(1);
  });

  it('a bad key: the error reply is a terminal FW_AUTH_REJECTED, no retry loop', async () => {
    const s = await monitorServer();
    const a = monitorAgent(s, { apiKey: 'nope', backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    const transitions: StateTransition[] = [];
    a.on('state', (t) => transitions.push(t));
    const err = once<[FleetwireError]>(a, 'error');
    a.connect();
    const [e] = await err;
    expect(e.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(e.message).toContain('Invalid or inactive API key');
    await until(() => a.state === 'closed', 'closed');
    await new Promise((r) => setTimeout(r, 100)); // a 1–5 ms backoff would have retried many times by now
    expect(s.server.counters.authFailures).toBe(1);
    expect(transitions.map((t) => `${t.to}:${t.code}`)).toEqual(['connecting:CONNECT_CALLED', 'closed:AUTH_REJECTED']);
  });

  it('command → handler → command_response with output, exit_code and an SDK-measured duration_ms', async () => {
    const s = await monitorServer();
    const sim = simulatedExecutor();
    const a = monitorAgent(s, {
      onCommand: async (cmd) => {
        await new Promise((r) => setTimeout(r, 40));
        return sim.onCommand(cmd);
      },
    });
    const seen: monitor.Command[] = [];
    a.on('command', (c) => seen.push(c));
    a.connect();
    await once(a, 'connected');
    const r = await s.sendCommand(a.serverId!, 'ls -la');
    expect(r.type).toBe('command_response');
    expect(r.command_id).toBe(seen[0]!.command_id);
    expect(r.output).toMatch(/^total 100\n/);
    expect(r.exit_code).toBe(0);
    expect(r.duration_ms).toBeGreaterThanOrEqual(35);
    const missing = await s.sendCommand(a.serverId!, 'rm -rf /');
    expect(missing.exit_code).toBe(127);
    expect(sim.history).toEqual(['ls -la', 'rm -rf /']);
  });

  it('a throwing command handler answers exit_code -1 with the message; no handler likewise', async () => {
    const s = await monitorServer();
    const a = monitorAgent(s, { onCommand: () => { throw new Error('refused by policy'); } });
    const errs: FleetwireError[] = [];
    a.on('error', (e) => errs.push(e));
    a.connect();
    await once(a, 'connected');
    const r = await s.sendCommand(a.serverId!, 'reboot');
    expect(r).toMatchObject({ output: 'refused by policy', exit_code: -1 });
    expect(errs[0]?.code).toBe(ErrorCodes.FW_HANDLER_FAILED);
    const d = await s.sendDockerCommand(a.serverId!, 'start', 'web');
    expect(d).toMatchObject({ success: false, message: 'agent has no docker_command handler' });
  });

  it('docker_command → docker_response against simulated containers; the state learns the outcome', async () => {
    const s = await monitorServer();
    const sim = simulatedExecutor({ web: 'exited' });
    const a = monitorAgent(s, { onDockerCommand: (c) => sim.onDockerCommand(c) });
    const responses: monitor.DockerResponse[] = [];
    a.on('docker_response', (r) => responses.push(r));
    a.connect();
    await once(a, 'connected');
    const id = a.serverId!;
    expect(await s.sendDockerCommand(id, 'start', 'web')).toMatchObject({ type: 'docker_response', success: true, message: 'Container started' });
    expect(s.state.server(id).containers.get('web')).toBe('running');
    expect(await s.sendDockerCommand(id, 'start', 'ghost')).toMatchObject({ success: false, message: 'No such container: ghost' });
    expect(await s.sendDockerCommand(id, 'stop', 'web')).toMatchObject({ success: true, message: 'Container stopped' });
    expect(s.state.server(id).containers.get('web')).toBe('exited');
    expect(responses).toHaveLength(3);
  });

  it('malformed, unknown and invalid frames become typed errors; the connection stays up', async () => {
    const s = await monitorServer();
    const a = monitorAgent(s, { onCommand: (c) => ({ output: c.command }) });
    const errs: FleetwireError[] = [];
    a.on('error', (e) => errs.push(e));
    a.connect();
    await once(a, 'connected');
    const id = a.serverId!;
    s.server.sendRaw(id, '{not json');
    s.server.sendRaw(id, '[1,2]');
    s.server.sendRaw(id, JSON.stringify({ type: 'reboot_now' }));
    s.server.sendRaw(id, JSON.stringify({ type: 'command', command: 'x' })); // no command_id
    s.server.sendRaw(id, JSON.stringify({ type: 'error', message: 'disk almost full' }));
    await until(() => errs.length === 5, 'five errors');
    expect(errs.map((e) => e.code)).toEqual([
      ErrorCodes.FW_PROTOCOL_MALFORMED,
      ErrorCodes.FW_PROTOCOL_MALFORMED,
      ErrorCodes.FW_PROTOCOL_UNKNOWN,
      ErrorCodes.FW_PROTOCOL_INVALID,
      ErrorCodes.FW_REMOTE_ERROR,
    ]);
    expect(errs[3]!.message).toContain('/command_id');
    expect(a.state).toBe('connected');
    expect((await s.sendCommand(id, 'still here')).output).toBe('still here');
  });

  it('a response finished while disconnected is queued and delivered after the automatic re-auth', async () => {
    const s = await monitorServer();
    let release!: () => void;
    const a = monitorAgent(s, {
      onCommand: () => new Promise((r) => (release = () => r({ output: 'late', exit_code: 0 }))),
      // A fixed 300 ms before the retry: the answer below is surely ready while the agent is away.
      backoff: { initialDelayMs: 300, maxDelayMs: 300, jitter: 'none' },
    });
    a.connect();
    await once(a, 'connected');
    const id = a.serverId!;
    const cmdSeen = once(a, 'command');
    const answer = s.sendCommand(id, 'slow', { timeoutMs: 10_000 });
    await cmdSeen;
    const dropped = once(a, 'disconnected');
    s.server.disconnectAgent(id); // a network failure: no close handshake
    await dropped;
    expect(a.state).toBe('reconnecting');
    const sent = once(a, 'command_response');
    release();
    await until(() => a.queuedSends === 1, 'the answer queued while disconnected');
    await sent;
    expect(await answer).toMatchObject({ output: 'late', exit_code: 0 });
    expect(s.state.server(id).connections).toBe(2);
    expect(a.queuedSends).toBe(0);
  });

  it('after the server goes away and comes back on the same port: re-auths as the same server, metrics resume', async () => {
    const s1 = await monitorServer();
    const a = monitorAgent(s1, { metricsIntervalMs: 30 });
    let connects = 0;
    a.on('connected', () => connects++);
    a.connect();
    await until(() => connects === 1 && s1.state.server(a.serverId!).metricsCount >= 2, 'metrics flowing');
    const id = a.serverId!;
    await s1.close();
    await until(() => a.state === 'reconnecting', 'agent reconnecting');
    const s2 = await monitorServer(s1.port, s1.state); // same state: the key maps to the same server_id
    await until(() => connects === 2, 're-authenticated');
    expect(a.serverId).toBe(id);
    const before = s2.state.server(id).metricsCount;
    await until(() => s2.state.server(id).metricsCount >= before + 2, 'metrics resumed on the timer');
    expect(s2.state.server(id).connections).toBe(2);
    expect(s2.server.connectedAgents()).toEqual([id]);
  });

  it('checks its options up front with actionable messages', () => {
    expect(() => monitorAgent({ url: 'localhost:8000' })).toThrow(/url must be an http/);
    expect(() => monitorAgent({ url: 'http://x' }, { apiKey: '' })).toThrow(/apiKey must be a non-empty string/);
    expect(() => monitorAgent({ url: 'http://x' }, { metricsIntervalMs: 0 })).toThrow(/metricsIntervalMs must be > 0/);
  });
});
