import { describe, expect, it } from 'vitest';
import { monitorValidators as V } from './messages.js';
import { classify, wsUrl } from '../../core/inbound.js';

const agentMetrics = {
  type: 'metrics',
  server_id: 'uuid',
  cpu_percent: 45.2,
  memory_percent: 62.5,
  disk_usage: [{ mount: '/', total_bytes: 100, used_bytes: 40, percent: 40 }],
  network: [{ interface: 'eth0', rx_bytes: 1, tx_bytes: 2 }],
  timestamp: '2024-01-01T00:00:00Z',
};

// Every example of monitor.md, as written in the document.
const documentExamples: [keyof typeof V.toAgent | keyof typeof V.fromAgent | string, (v: unknown) => boolean, unknown][] = [
  ['auth (agent)', (v) => V.fromAgent.auth.check(v), { type: 'auth', api_key: 'your-api-key-here' }],
  ['auth_success', (v) => V.toAgent.auth_success.check(v), { type: 'auth_success', server_id: 'uuid', message: 'Connected successfully' }],
  ['metrics (agent)', (v) => V.fromAgent.metrics.check(v), agentMetrics],
  ['command', (v) => V.toAgent.command.check(v), { type: 'command', command_id: 'uuid', command: 'ls -la' }],
  ['command_response', (v) => V.fromAgent.command_response.check(v), { type: 'command_response', command_id: 'uuid', output: 'total 100\n...', exit_code: 0, duration_ms: 150 }],
  ['docker_command', (v) => V.toAgent.docker_command.check(v), { type: 'docker_command', command_id: 'uuid', action: 'start', container_id: 'container-id' }],
  ['docker_response', (v) => V.fromAgent.docker_response.check(v), { type: 'docker_response', command_id: 'uuid', success: true, message: 'Container started' }],
  ['auth (frontend)', (v) => V.fromFrontend.auth.check(v), { type: 'auth', token: 'jwt-access-token' }],
  ['metrics (frontend)', (v) => V.toFrontend.metrics.check(v), { type: 'metrics', data: { cpu_percent: 45.2, memory_percent: 62.5 } }],
  ['log', (v) => V.toFrontend.log.check(v), { type: 'log', data: { level: 'INFO', message: 'Log message', timestamp: '2024-01-01T00:00:00Z' } }],
  ['alert', (v) => V.toFrontend.alert.check(v), { type: 'alert', data: { message: 'CPU high' } }],
  ['error', (v) => V.toFrontend.error.check(v), { type: 'error', message: 'Invalid or inactive API key' }],
];

describe('monitor schemas', () => {
  for (const [name, check, example] of documentExamples) {
    it(`accepts the document's ${name} example, and with extra fields`, () => {
      expect(check(example)).toBe(true);
      expect(check({ ...(example as object), added_in_v2: { nested: true } })).toBe(true);
    });
  }

  it('rejects missing and mistyped required fields, naming the field', () => {
    const { disk_usage: _d, ...noDisk } = agentMetrics;
    expect(V.fromAgent.metrics.check(noDisk)).toBe(false);
    expect(V.fromAgent.metrics.explain(noDisk).join()).toContain('/disk_usage');
    const badItem = { ...agentMetrics, disk_usage: [{ mount: '/', total_bytes: '100', used_bytes: 1, percent: 1 }] };
    expect(V.fromAgent.metrics.explain(badItem).join()).toContain('/disk_usage/0/total_bytes');
    expect(V.fromAgent.metrics.check({ ...agentMetrics, network: [{ iface: 'eth0', rx_bytes: 1, tx_bytes: 1 }] })).toBe(false);
    expect(V.fromAgent.command_response.check({ type: 'command_response', command_id: 'u', output: '', exit_code: 0.5, duration_ms: 1 })).toBe(false);
    expect(V.toAgent.command.check({ type: 'command', command_id: '', command: 'ls' })).toBe(false);
    expect(V.toAgent.auth_success.check({ type: 'auth_success' })).toBe(false);
    expect(V.toFrontend.log.check({ type: 'log', data: { level: 'INFO', message: 'x' } })).toBe(false);
    expect(V.toFrontend.metrics.check({ type: 'metrics', data: { cpu_percent: 1 } })).toBe(false);
    expect(V.fromFrontend.auth.check({ type: 'auth', api_key: 'k' })).toBe(false);
  });

  it('classify: unknown type vs invalid message, with stable codes', () => {
    expect(classify({ type: 'nope' }, 'type', V.toAgent, 'monitor')).toMatchObject({ ok: false, error: { code: 'FW_PROTOCOL_UNKNOWN' } });
    expect(classify({ type: 'toString' }, 'type', V.toAgent, 'monitor')).toMatchObject({ ok: false, error: { code: 'FW_PROTOCOL_UNKNOWN' } });
    expect(classify({ type: 'command' }, 'type', V.toAgent, 'monitor')).toMatchObject({ ok: false, error: { code: 'FW_PROTOCOL_INVALID' } });
    expect(classify({ type: 'error', message: 'x' }, 'type', V.toAgent, 'monitor')).toMatchObject({ ok: true, kind: 'error' });
  });

  it('wsUrl turns http into ws and appends the path once', () => {
    expect(wsUrl('http://h:8000', '/api/v1/agents/ws')).toBe('ws://h:8000/api/v1/agents/ws');
    expect(wsUrl('https://h/base/', '/api/v1/agents/ws')).toBe('wss://h/base/api/v1/agents/ws');
    expect(wsUrl('ws://h/api/v1/agents/ws', '/api/v1/agents/ws')).toBe('ws://h/api/v1/agents/ws');
  });
});
