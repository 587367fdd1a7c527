import { describe, expect, it } from 'vitest';
import { loadKeys, nodeIdFor, parseDurationMs, readConfig, scenario, sessionMs, thresholds } from './config.ts';

describe('parseDurationMs', () => {
  it('reads k6 durations', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('30s')).toBe(30_000);
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('1h')).toBe(3_600_000);
    expect(parseDurationMs('2.5s')).toBe(2500);
    expect(parseDurationMs('5')).toBe(5000);
  });
  it('names the variable on bad input', () => {
    expect(() => parseDurationMs('5 minutes', 'DURATION')).toThrow(/DURATION must be a duration like/);
    expect(() => parseDurationMs('', 'RAMP')).toThrow(/RAMP/);
    expect(() => parseDurationMs('10sx')).toThrow();
  });
});

describe('readConfig', () => {
  it('has documented defaults', () => {
    const c = readConfig({}, 'fleet', 'http://127.0.0.1:3000');
    expect(c).toMatchObject({ baseUrl: 'http://127.0.0.1:3000', agents: 10, heartbeatMs: 5000, ackTimeoutMs: 10_000, summaryJson: 'summary-fleet.json' });
    expect(c.duration).toEqual({ text: '1m', ms: 60_000 });
    expect(c.ramp).toEqual({ text: '10s', ms: 10_000 });
    expect(c.shard).toBeUndefined();
  });
  it('reads every variable', () => {
    const c = readConfig(
      { BASE_URL: 'https://cp.example.com/', AGENTS: '500', DURATION: '5m', RAMP: '1m', HEARTBEAT_INTERVAL: '2s', ACK_TIMEOUT: '3s', SHARD_INDEX: '2', SHARD_COUNT: '4', KEYS_FILE: './keys.txt', SUMMARY_JSON: '-' },
      'fleet',
      'http://127.0.0.1:3000',
    );
    expect(c).toMatchObject({ baseUrl: 'https://cp.example.com', agents: 500, heartbeatMs: 2000, ackTimeoutMs: 3000, shard: { index: 2, count: 4 }, keysFile: './keys.txt', summaryJson: '-' });
  });
  it('refuses bad values with the variable’s name', () => {
    const d = 'http://127.0.0.1:3000';
    expect(() => readConfig({ AGENTS: '0' }, 'x', d)).toThrow(/AGENTS must be a positive integer, got "0"/);
    expect(() => readConfig({ AGENTS: '1.5' }, 'x', d)).toThrow(/AGENTS/);
    expect(() => readConfig({ BASE_URL: 'localhost:3000' }, 'x', d)).toThrow(/BASE_URL/);
    expect(() => readConfig({ HEARTBEAT_INTERVAL: '10ms' }, 'x', d)).toThrow(/at least 100ms/);
    expect(() => readConfig({ SHARD_INDEX: '4', SHARD_COUNT: '4' }, 'x', d)).toThrow(/SHARD_INDEX and SHARD_COUNT/);
    expect(() => readConfig({ SHARD_INDEX: '1' }, 'x', d)).toThrow(/SHARD_INDEX and SHARD_COUNT/);
  });
});

describe('thresholds', () => {
  const defaults = { a: ['p(95)<100'], b: ['rate>0.99'] };
  it('keeps defaults without THRESHOLDS', () => {
    expect(thresholds(defaults, {})).toEqual(defaults);
  });
  it('replaces, adds and removes', () => {
    expect(thresholds(defaults, { THRESHOLDS: '{"a":["p(99)<500"],"b":[],"c":["count<1"]}' })).toEqual({ a: ['p(99)<500'], c: ['count<1'] });
  });
  it('explains malformed overrides', () => {
    expect(() => thresholds(defaults, { THRESHOLDS: 'p95<1' })).toThrow(/must be a JSON object/);
    expect(() => thresholds(defaults, { THRESHOLDS: '{"a":"p(95)<1"}' })).toThrow(/THRESHOLDS.a must be an array/);
  });
});

describe('scenario and sessions', () => {
  const cfg = readConfig({ AGENTS: '20', RAMP: '30s', DURATION: '2m' }, 'fleet', 'http://127.0.0.1:3000');
  it('ramps to AGENTS then holds', () => {
    expect(scenario(cfg).stages).toEqual([
      { duration: '30s', target: 20 },
      { duration: '2m', target: 20 },
    ]);
  });
  it('with an explicit shard, starts only the shard’s slice of VUs', () => {
    const sharded = readConfig({ AGENTS: '10', SHARD_INDEX: '2', SHARD_COUNT: '3' }, 'fleet', 'http://127.0.0.1:3000');
    expect(scenario(sharded).stages.map((s) => s.target)).toEqual([4, 4]);
  });
  it('ends sessions just before the scenario ends, and opens none shorter than a heartbeat interval', () => {
    expect(sessionMs(cfg, 0)).toBe(150_000 - 500);
    expect(sessionMs(cfg, 100_000)).toBe(49_500);
    // Less than a heartbeat interval (5 s here) left: no session, the VU idles.
    expect(sessionMs(cfg, 150_000 - 500)).toBe(0);
    expect(sessionMs(cfg, 150_000 - 5400)).toBe(0);
    expect(sessionMs(cfg, 150_000 - 5500)).toBe(5000);
    expect(sessionMs(cfg, 200_000)).toBe(0);
    // …and never shorter than 1 s, however short the interval.
    const fast = readConfig({ HEARTBEAT_INTERVAL: '200ms', RAMP: '0s', DURATION: '10s' }, 'x', 'ws://h:1');
    expect(sessionMs(fast, 8600)).toBe(0);
    expect(sessionMs(fast, 8500)).toBe(1000);
  });
});

describe('keys and identities', () => {
  it('needs a key per agent', () => {
    expect(loadKeys('a\nb\nc', 3, 'k.txt')).toHaveLength(3);
    expect(() => loadKeys('a\nb', 3, 'k.txt')).toThrow(/holds 2 keys but AGENTS=3/);
    expect(() => loadKeys('a\na', 1, 'k.txt')).toThrow(/KEYS_FILE k.txt: keys file repeats/);
  });
  it('gives distinct UUID-shaped node ids', () => {
    expect(nodeIdFor(255)).toBe('00000000-0000-4000-8000-0000000000ff');
    expect(nodeIdFor(1)).not.toBe(nodeIdFor(2));
  });
});

describe('reconnectDelayMs', () => {
  it('grows exponentially to a 30 s cap with full jitter', async () => {
    const { reconnectDelayMs } = await import('./config.ts');
    expect(reconnectDelayMs(0)).toBe(0);
    expect(reconnectDelayMs(1, () => 0.999)).toBe(999);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(2000);
    expect(reconnectDelayMs(20, () => 0.999)).toBe(29_970);
    expect(reconnectDelayMs(5, () => 0)).toBe(0);
  });
});

describe('wsUrl', () => {
  it('maps schemes, keeps a base path, encodes the query', async () => {
    const { wsUrl } = await import('./config.ts');
    expect(wsUrl('http://127.0.0.1:3001', '/ws/agent', { token: 'a b&c' })).toBe('ws://127.0.0.1:3001/ws/agent?token=a%20b%26c');
    expect(wsUrl('https://cp.example.com/prefix/', '/ws')).toBe('wss://cp.example.com/prefix/ws');
    expect(wsUrl('ws://h:8070', 'ws/srv-1', { token: '' })).toBe('ws://h:8070/ws/srv-1');
    expect(() => wsUrl('h:1', '/ws')).toThrow(/BASE_URL/);
  });
});
