import { describe, expect, it } from 'vitest';
import { eventTimeMs, fanOutMs, readControlPlaneEvent } from './control-plane.ts';
import { lightdEventOf, lightdPower, lightdRequestLogs, lightdSendCommand } from './lightd.ts';
import { monitorAuth, monitorCommandResponse, monitorDockerResponse, monitorMetrics, readMonitorMessage } from './monitor.ts';
import { vstatsHeartbeat, vstatsMetrics } from './vstats.ts';
import { HostModel } from './host.ts';

describe('control-plane reader', () => {
  it('reads events and measures fan-out from the event’s own timestamp', () => {
    const r = readControlPlaneEvent('{"event":"job:progress","data":{"jobId":"j","percent":5,"timestamp":"2024-01-15T10:30:00.000Z"}}');
    if (!r.ok) throw new Error(r.error);
    expect(r.value.category).toBe('job');
    expect(eventTimeMs(r.value)).toBe(Date.parse('2024-01-15T10:30:00.000Z'));
    expect(fanOutMs(r.value, Date.parse('2024-01-15T10:30:00.042Z'))).toBe(42);
    expect(fanOutMs(r.value, Date.parse('2024-01-15T10:29:59.000Z'))).toBe(0);
    const c = readControlPlaneEvent('{"event":"instance:status_changed","data":{"instanceId":"i","status":"RUNNING","changedAt":"2024-01-15T10:40:00.000Z"}}');
    expect(c.ok && eventTimeMs(c.value)).toBe(Date.parse('2024-01-15T10:40:00.000Z'));
  });
  it('reports what is wrong with a bad frame', () => {
    expect(readControlPlaneEvent('nope')).toEqual({ ok: false, error: 'not JSON' });
    expect(readControlPlaneEvent('{"event":"jobprogress","data":{}}')).toMatchObject({ ok: false, error: /event/ });
    expect(readControlPlaneEvent('{"event":"job:created","data":[]}')).toMatchObject({ ok: false, error: /data/ });
    const noTime = readControlPlaneEvent('{"event":"agent:offline","data":{"agentId":"a"}}');
    expect(noTime.ok && fanOutMs(noTime.value, Date.now())).toBeUndefined();
  });
});

describe('lightd', () => {
  it('builds the documented client events', () => {
    expect(lightdSendCommand('ls -la')).toEqual({ event: 'send_command', command: 'ls -la\n' });
    expect(lightdSendCommand('ls\n')).toEqual({ event: 'send_command', command: 'ls\n' });
    expect(lightdPower('restart')).toEqual({ event: 'power', action: 'restart' });
    expect(lightdRequestLogs()).toEqual({ event: 'request_logs' });
  });
  it('reads server events and rejects unknown ones', () => {
    expect(lightdEventOf('{"event":"console duplicate","data":"x"}')).toMatchObject({ ok: true, event: 'console duplicate' });
    expect(lightdEventOf('{"event":"bogus"}')).toMatchObject({ ok: false, error: 'unknown event bogus' });
    expect(lightdEventOf('{')).toMatchObject({ ok: false });
  });
});

describe('monitor', () => {
  it('builds auth, metrics with the decided item shapes, and answers', () => {
    expect(monitorAuth('k')).toEqual({ type: 'auth', api_key: 'k' });
    const m = monitorMetrics('srv', new HostModel(2), new Date('2024-01-01T00:00:00Z'));
    expect(m.timestamp).toBe('2024-01-01T00:00:00.000Z');
    expect(Object.keys(m.disk_usage[0]!).sort()).toEqual(['mount', 'percent', 'total_bytes', 'used_bytes']);
    expect(Object.keys(m.network[0]!).sort()).toEqual(['interface', 'rx_bytes', 'tx_bytes']);
    expect(monitorCommandResponse('c1', 'echo hi')).toMatchObject({ command_id: 'c1', output: 'hi\n', exit_code: 0 });
    expect(monitorCommandResponse('c1', 'frobnicate')).toMatchObject({ exit_code: 127 });
    expect(monitorDockerResponse('c2', 'start', 'x')).toEqual({ type: 'docker_response', command_id: 'c2', success: true, message: 'Container started' });
    expect(monitorDockerResponse('c2', 'explode', 'x')).toMatchObject({ success: false });
  });
  it('reads server messages', () => {
    expect(readMonitorMessage('{"type":"auth_success","server_id":"s","message":"ok"}')).toMatchObject({ ok: true, msg: { server_id: 's' } });
    expect(readMonitorMessage('{"type":"command","command_id":"c","command":"ls"}')).toMatchObject({ ok: true });
    expect(readMonitorMessage('{"type":"docker_command","command_id":"c","action":"start"}')).toMatchObject({ ok: false });
    expect(readMonitorMessage('{"type":"error","message":"Invalid or inactive API key"}')).toMatchObject({ ok: true, msg: { type: 'error' } });
    expect(readMonitorMessage('{"type":"weird"}')).toMatchObject({ ok: false, error: 'unknown type weird' });
  });
});

describe('vstats', () => {
  it('builds the documented metrics report and heartbeat', () => {
    const now = new Date('2024-01-01T12:00:00Z');
    const m = vstatsMetrics(new HostModel(5), now);
    expect(m.type).toBe('metrics');
    expect(m.data.timestamp).toBe('2024-01-01T12:00:00.000Z');
    expect(m.data.cpu.per_core).toHaveLength(m.data.cpu.cores);
    expect(m.data.memory.used + m.data.memory.available).toBe(m.data.memory.total);
    expect(m.data.network.total_rx).toBe(m.data.network.interfaces[0]!.rx);
    expect(vstatsHeartbeat(now)).toEqual({ type: 'heartbeat', timestamp: '2024-01-01T12:00:00.000Z' });
  });
});

describe('wire names that are Object.prototype members (issue 10)', () => {
  const names = [...Object.getOwnPropertyNames(Object.prototype), '__proto__'];
  it('are unknown docker actions, unknown types and events — never a member of a lookup table', () => {
    for (const n of names) {
      expect(monitorDockerResponse('c', n, 'x'), n).toMatchObject({ success: false });
      expect(readMonitorMessage(JSON.stringify({ type: n })), n).toMatchObject({ ok: false });
      expect(lightdEventOf(JSON.stringify({ event: n })), n).toMatchObject({ ok: false });
    }
  });
});
