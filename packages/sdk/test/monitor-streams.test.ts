import { describe, expect, it } from 'vitest';
import { ErrorCodes, type DisconnectedInfo, type FleetwireError } from '../src/index.js';
import { MonitorLogStream, MonitorMetricsStream, type monitor } from '../src/protocols/monitor/index.js';
import { once, until } from './helpers.js';
import { KEY_A, KEY_B, body, monitorAgent, monitorServer, stream } from './monitor-helpers.js';

describe('MonitorMetricsStream / MonitorLogStream against the mock monitor server', () => {
  it('a metrics stream gets its own server\'s metrics (not another server\'s) and a CPU alert', async () => {
    const s = await monitorServer();
    const idA = s.state.serverIdForKey(KEY_A);
    const idB = s.state.serverIdForKey(KEY_B);
    const token = await s.mintToken('user-1');
    const st = stream(MonitorMetricsStream, s, { serverId: idA, token });
    const got: monitor.FrontendMetricsData[] = [];
    const alerts: monitor.AlertData[] = [];
    st.on('metrics', (m) => got.push(m));
    st.on('alert', (al) => alerts.push(al));
    st.connect();
    await once(st, 'connected');
    await until(() => s.server.frontends.count(idA, 'metrics') === 1, 'stream authenticated');
    let cpu = 40;
    const a = monitorAgent(s, { apiKey: KEY_A, metrics: () => body(cpu) });
    const b = monitorAgent(s, { apiKey: KEY_B, metrics: () => body(1) });
    a.connect();
    b.connect();
    await until(() => got.length === 1, 'metrics of A');
    expect(got[0]).toMatchObject({ ...body(40) });
    expect(typeof got[0]!.timestamp).toBe('string');
    cpu = 95;
    await a.sendMetricsNow();
    await until(() => got.length === 2 && alerts.length === 1, 'second metrics + alert');
    expect(alerts[0]).toMatchObject({ level: 'WARNING', message: expect.stringContaining('95%') });
    await until(() => s.state.server(idB).metricsCount >= 1, 'B reported');
    expect(got.every((m) => m.cpu_percent !== 1)).toBe(true);
  });

  it('a log stream gets log entries (agent connect, pushed entries) and alerts', async () => {
    const s = await monitorServer();
    const id = s.state.serverIdForKey(KEY_A);
    const st = stream(MonitorLogStream, s, { serverId: id, token: await s.mintToken('user-1') });
    const logs: monitor.LogEntry[] = [];
    const alerts: monitor.AlertData[] = [];
    st.on('log', (l) => logs.push(l));
    st.on('alert', (al) => alerts.push(al));
    st.connect();
    await until(() => s.server.frontends.count(id, 'logs') === 1, 'stream authenticated');
    monitorAgent(s).connect();
    await until(() => logs.length === 1, 'agent connected log');
    expect(logs[0]).toMatchObject({ level: 'INFO', message: 'Agent connected' });
    expect(s.pushLog(id, { level: 'ERROR', message: 'disk failure', timestamp: '2024-01-01T00:00:00Z' })).toBe(1);
    expect(s.pushAlert(id, { message: 'node hot', level: 'CRITICAL' })).toBe(1);
    await until(() => logs.length === 2 && alerts.length === 1, 'pushed log + alert');
    expect(logs[1]).toEqual({ level: 'ERROR', message: 'disk failure', timestamp: '2024-01-01T00:00:00Z' });
    expect(alerts[0]).toMatchObject({ level: 'CRITICAL', message: 'node hot' });
  });

  it.each([
    ['metrics', MonitorMetricsStream],
    ['logs', MonitorLogStream],
  ] as const)('%s stream: a refused token is never `connected`: connecting → closed (AUTH_REJECTED), connect() rejects', async (_kind, Stream) => {
    const s = await monitorServer();
    // A long accept window, so only the server's answer decides (the refusal comes within milliseconds).
    const st = stream(Stream, s, { serverId: 'srv', token: 'not-a-jwt', authAcceptMs: 30_000 });
    let connected = 0;
    const states: string[] = [];
    st.on('connected', () => connected++);
    st.on('state', (t) => states.push(`${t.to}:${t.code}`));
    st.on('error', () => {});
    await expect(st.connect()).rejects.toMatchObject({ code: ErrorCodes.FW_AUTH_REJECTED, message: expect.stringContaining('Invalid or expired token') });
    expect(connected).toBe(0);
    expect(states).toEqual(['connecting:CONNECT_CALLED', 'closed:AUTH_REJECTED']);
  });

  it('a good token is `connected` once accepted: at the first data message, before the accept window ends', async () => {
    const s = await monitorServer();
    const id = s.state.serverIdForKey(KEY_A);
    const st = stream(MonitorLogStream, s, { serverId: id, token: await s.mintToken('user-1'), authAcceptMs: 60_000 });
    const ready = st.connect();
    await until(() => s.server.frontends.count(id, 'logs') === 1, 'stream authenticated on the server');
    expect(st.state).toBe('connecting'); // the document sent nothing yet: not known to be accepted
    s.pushLog(id, { level: 'INFO', message: 'hello', timestamp: '2024-01-01T00:00:00Z' });
    await expect(ready).resolves.toBe(st);
    expect(st.state).toBe('connected');
  });

  it('a bad token: error reply + close → terminal FW_AUTH_REJECTED carrying the server\'s message', async () => {
    const s = await monitorServer();
    const st = stream(MonitorMetricsStream, s, { serverId: 'srv', token: 'not-a-jwt', backoff: { initialDelayMs: 1, maxDelayMs: 5 } });
    const serverErrors: string[] = [];
    const errs: FleetwireError[] = [];
    st.on('server_error', (m) => serverErrors.push(m));
    st.on('error', (e) => errs.push(e));
    st.connect();
    await until(() => st.state === 'closed', 'closed');
    expect(serverErrors).toEqual(['Invalid or expired token']);
    // One fault, not two: the error reply before acceptance is the refusal itself.
    expect(errs.map((e) => e.code)).toEqual([ErrorCodes.FW_AUTH_REJECTED]);
    expect(errs[0]!.message).toContain('Invalid or expired token');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.server.frontends.counters.authFailures).toBe(1);
  });

  it('a token that expires mid-session: the provider is asked again and the stream carries on', async () => {
    const s = await monitorServer();
    const id = s.state.serverIdForKey(KEY_A);
    let calls = 0;
    const st = stream(MonitorLogStream, s, {
      serverId: id,
      // First token lives 300 ms, the refreshed one an hour.
      token: async () => s.mintToken('user-1', { expiresInSeconds: ++calls === 1 ? 0.3 : 3600 }),
    });
    const codes: string[] = [];
    st.on('error', (e) => codes.push(e.code));
    const drops: DisconnectedInfo[] = [];
    st.on('disconnected', (d) => drops.push(d));
    const logs: string[] = [];
    st.on('log', (l) => logs.push(l.message));
    st.connect();
    await until(() => s.server.frontends.count(id) === 1, 'first auth');
    s.pushLog(id, { level: 'INFO', message: 'before expiry' });
    await until(() => s.server.frontends.counters.expired === 1, 'server closed the expired stream');
    await until(() => calls === 2 && s.server.frontends.count(id) === 1, 're-authenticated with a fresh token');
    s.pushLog(id, { level: 'INFO', message: 'after refresh' });
    await until(() => logs.includes('after refresh'), 'logs flow again');
    expect(logs).toEqual(['before expiry', 'after refresh']);
    // The server's "Token expired" message is reported; the renewal itself is routine: `disconnected`, not `error`.
    expect(codes).toEqual([ErrorCodes.FW_REMOTE_ERROR]);
    expect(drops).toEqual([{ code: 'TOKEN_EXPIRED', reason: 'Token expired', closeCode: 1008, willRetry: true }]);
    expect(st.state).toBe('connected');
  });

  it('malformed, unknown and invalid frames become typed errors; the stream stays up', async () => {
    const s = await monitorServer();
    const id = 'srv-x';
    const st = stream(MonitorMetricsStream, s, { serverId: id, token: await s.mintToken('u') });
    const codes: string[] = [];
    st.on('error', (e) => codes.push(e.code));
    st.connect();
    await until(() => s.server.frontends.count(id) === 1, 'authenticated');
    s.server.frontends.sendRaw(id, 'garbage');
    s.server.frontends.sendRaw(id, JSON.stringify({ type: 'telemetry', data: {} }));
    s.server.frontends.sendRaw(id, JSON.stringify({ type: 'metrics', data: { cpu_percent: '45' } }));
    s.server.frontends.sendRaw(id, JSON.stringify({ type: 'log', data: { level: 'INFO', message: 'extra ok', timestamp: '2024-01-01T00:00:00Z', trace_id: 'abc' }, extra: 1 }));
    const log = await once<[monitor.LogEntry]>(st, 'log');
    expect(log[0]).toMatchObject({ message: 'extra ok', trace_id: 'abc' });
    expect(codes).toEqual([ErrorCodes.FW_PROTOCOL_MALFORMED, ErrorCodes.FW_PROTOCOL_UNKNOWN, ErrorCodes.FW_PROTOCOL_INVALID]);
    expect(st.state).toBe('connected');
  });

  it('after the server goes away and comes back on the same port: re-auths, resubscribes, metrics flow again', async () => {
    const s1 = await monitorServer();
    const id = s1.state.serverIdForKey(KEY_A);
    let calls = 0;
    const secret = s1.mintToken.bind(s1);
    const st = stream(MonitorMetricsStream, s1, { serverId: id, token: () => (calls++, secret('user-1')) });
    const got: number[] = [];
    st.on('metrics', (m) => got.push(m.cpu_percent));
    let connects = 0;
    st.on('connected', () => connects++);
    st.connect();
    const a = monitorAgent(s1, { metricsIntervalMs: 30, metrics: () => body(10) });
    a.connect();
    await until(() => got.length >= 2, 'metrics before restart');
    await s1.close();
    await until(() => st.state === 'reconnecting' && a.state === 'reconnecting', 'both reconnecting');
    const s2 = await monitorServer(s1.port, s1.state);
    await until(() => connects === 2 && s2.server.frontends.count(id, 'metrics') === 1, 'stream re-authenticated');
    const n = got.length;
    await until(() => got.length >= n + 2, 'metrics flow again');
    expect(calls).toBe(2);
  });
});
