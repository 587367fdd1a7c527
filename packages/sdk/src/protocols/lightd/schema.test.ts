import { describe, expect, it } from 'vitest';
import { lightdValidators as V } from './messages.js';

// Every example of lightd.md, as written in the document.
const toClient: [keyof typeof V.toClient, unknown][] = [
  ['stats', { event: 'stats', cpu_usage: 25.5, memory_usage: 134217728, memory_limit: 536870912, network_rx: 1024, network_tx: 2048, block_read: 4096, block_write: 8192 }],
  ['console', { event: 'console', data: 'Hello mate\n' }],
  ['console duplicate', { event: 'console duplicate', data: 'Hello mate\n' }],
  ...(['installing', 'installed', 'starting', 'running', 'stopping', 'exit'] as const).map((s) => ['event', { event: 'event', data: s }] as [keyof typeof V.toClient, unknown]),
  ['daemon_message', { event: 'daemon_message', data: 'Server started' }],
  ['logs', { event: 'logs', data: 'Previous log line 1\nPrevious log line 2\n' }],
];
const fromClient: [keyof typeof V.fromClient, unknown][] = [
  ['send_command', { event: 'send_command', command: "echo 'Hello World'\n" }],
  ...(['start', 'stop', 'kill', 'restart'] as const).map((a) => ['power', { event: 'power', action: a }] as [keyof typeof V.fromClient, unknown]),
  ['request_logs', { event: 'request_logs' }],
];

describe('lightd schemas', () => {
  for (const [kind, example] of toClient) {
    it(`accepts the document's ${kind} ${JSON.stringify((example as { data?: unknown }).data ?? '')} example, also with extra fields`, () => {
      expect(V.toClient[kind].check(example)).toBe(true);
      expect(V.toClient[kind].check({ ...(example as object), extra: 1 })).toBe(true);
    });
  }
  for (const [kind, example] of fromClient) {
    it(`accepts the client's ${kind} ${JSON.stringify((example as { action?: unknown }).action ?? '')}`, () => {
      expect(V.fromClient[kind].check(example)).toBe(true);
      expect(V.fromClient[kind].check({ ...(example as object), extra: true })).toBe(true);
    });
  }

  it('rejects missing and mistyped fields, naming them', () => {
    const { block_write: _b, ...partial } = toClient[0]![1] as Record<string, unknown>;
    expect(V.toClient.stats.explain(partial).join()).toContain('/block_write');
    expect(V.toClient.stats.check({ ...(toClient[0]![1] as object), cpu_usage: '25' })).toBe(false);
    expect(V.toClient.stats.check({ ...(toClient[0]![1] as object), memory_usage: -1 })).toBe(false);
    expect(V.toClient.console.check({ event: 'console' })).toBe(false);
    expect(V.toClient.console.check({ event: 'console', data: 42 })).toBe(false);
    expect(V.toClient.event.check({ event: 'event', data: 'paused' })).toBe(false);
    expect(V.fromClient.power.check({ event: 'power', action: 'pause' })).toBe(false);
    expect(V.fromClient.send_command.check({ event: 'send_command' })).toBe(false);
  });
});
