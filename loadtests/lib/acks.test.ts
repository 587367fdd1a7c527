import { describe, expect, it } from 'vitest';
import { AckTracker, LATE_ACK_MEMORY, type AckResult } from './acks.ts';
import { SocketIoClient } from './client.ts';

describe('AckTracker', () => {
  it('matches acks by id, in any order', () => {
    let t = 0;
    const acks = new AckTracker(1000, () => t);
    const got: AckResult[] = [];
    const a = acks.register('heartbeat', (r) => got.push(r));
    const b = acks.register('heartbeat', (r) => got.push(r));
    t = 30;
    expect(acks.settle(b, ['B'])).toBe(true);
    expect(acks.settle(a, ['A'])).toBe(true);
    expect(got.map((r) => [r.id, r.args, r.rttMs])).toEqual([
      [b, ['B'], 30],
      [a, ['A'], 30],
    ]);
    expect(acks.settle(a, ['again'])).toBe(false);
    expect(acks.takeLate(a)).toBeUndefined();
  });

  it('remembers an expired id, so its late ack is late (once), not unknown', () => {
    let t = 0;
    const acks = new AckTracker(500, () => t);
    const got: AckResult[] = [];
    const id = acks.register('heartbeat', (r) => got.push(r));
    t = 600;
    expect(acks.expire()).toBe(1);
    expect(got).toMatchObject([{ id, timedOut: true }]);
    t = 2500;
    expect(acks.settle(id, [{ success: true }])).toBe(false);
    expect(acks.takeLate(id)).toEqual({ id, event: 'heartbeat', rttMs: 2500 });
    expect(acks.takeLate(id)).toBeUndefined();
    expect(got).toHaveLength(1); // the ack callback ran once, at expiry
  });

  it('forgets the oldest expired ids beyond LATE_ACK_MEMORY', () => {
    let t = 0;
    const acks = new AckTracker(1, () => t);
    for (let i = 0; i <= LATE_ACK_MEMORY; i++) acks.register('heartbeat', () => {});
    t = 10;
    acks.expire();
    expect(acks.takeLate(0)).toBeUndefined();
    expect(acks.takeLate(1)).toBeDefined();
    expect(acks.takeLate(LATE_ACK_MEMORY)).toBeDefined();
  });
});

describe('SocketIoClient acks', () => {
  function joined() {
    let t = 0;
    const sent: string[] = [];
    const seen = { late: [] as unknown[], protocol: [] as string[] };
    const c = new SocketIoClient(
      { namespace: '/fleet', send: (f) => sent.push(f), ackTimeoutMs: 500, now: () => t },
      { onLateAck: (l) => seen.late.push(l), onProtocolError: (code) => seen.protocol.push(code) },
    );
    c.handleFrame('0{"sid":"e","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    c.handleFrame('40/fleet,{"sid":"s"}');
    return { c, sent, seen, at: (ms: number) => (t = ms) };
  }

  it('reports an ack after its timeout as late, not as FW_ACK_UNKNOWN', () => {
    const { c, seen, at } = joined();
    const id = c.emit('heartbeat', {}, () => {}) as number;
    at(600);
    expect(c.sweep()).toBe(1);
    at(2500);
    c.handleFrame(`43/fleet,${id}[{"success":true}]`);
    expect(seen.protocol).toEqual([]);
    expect(seen.late).toEqual([{ id, event: 'heartbeat', rttMs: 2500 }]);
  });

  it('ignores acks still in flight when the session ended (no FW_ACK_UNKNOWN after disconnect)', () => {
    const { c, seen } = joined();
    const id = c.emit('heartbeat', {}, () => {}) as number;
    c.disconnect();
    c.handleFrame(`43/fleet,${id}[{"success":true}]`);
    expect(seen.protocol).toEqual([]);
    expect(seen.late).toEqual([]);
  });

  it('still reports an ack for an id never sent as FW_ACK_UNKNOWN', () => {
    const { c, seen } = joined();
    c.handleFrame('43/fleet,99[{"success":true}]');
    expect(seen.protocol).toEqual(['FW_ACK_UNKNOWN']);
    expect(seen.late).toEqual([]);
  });
});
