import { describe, expect, it } from 'vitest';
import { AckOutbox } from './outbox.js';
import { SendQueue } from './send-queue.js';
import { ErrorCodes } from './errors.js';

/** A fake wire: records sends; the test decides which ones get an ack. */
function wire() {
  const sent: { event: string; payload: unknown; ack: (a: unknown) => void; fail: () => void }[] = [];
  const send = (event: string, payload: unknown) =>
    new Promise<unknown>((ack, reject) => sent.push({ event, payload, ack, fail: () => reject(new Error('timeout')) }));
  return { sent, send };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('AckOutbox', () => {
  it('holds messages while offline and sends them in order once online', async () => {
    const w = wire();
    const o = new AckOutbox(w.send);
    const p1 = o.push('a', 1);
    const p2 = o.push('b', 2);
    expect(w.sent).toHaveLength(0);
    o.setOnline();
    expect(w.sent.map((s) => s.event)).toEqual(['a', 'b']);
    w.sent[0]!.ack({ success: true });
    w.sent[1]!.ack({ success: true });
    await expect(p1).resolves.toEqual({ success: true });
    await expect(p2).resolves.toEqual({ success: true });
    expect(o.pending).toHaveLength(0);
  });

  it('keeps unacked messages across a disconnect and resends them in the original order', async () => {
    const w = wire();
    const o = new AckOutbox(w.send);
    o.setOnline();
    const p1 = o.push('a', 1);
    o.push('b', 2);
    w.sent[0]!.ack({ success: true });
    await p1;
    o.push('c', 3);
    o.setOffline();
    w.sent[1]!.fail(); // the old connection's failure must not trigger a resend by itself
    await tick();
    expect(w.sent).toHaveLength(3);
    o.setOnline();
    expect(w.sent.slice(3).map((s) => s.event)).toEqual(['b', 'c']);
  });

  it('resends on ack timeout while online and reports it', async () => {
    const w = wire();
    const timeouts: number[] = [];
    const o = new AckOutbox(w.send, {}, { onAckTimeout: (e) => timeouts.push(e.attempts) });
    o.setOnline();
    const p = o.push('a', 1);
    w.sent[0]!.fail();
    await tick();
    expect(timeouts).toEqual([1]);
    expect(w.sent).toHaveLength(2);
    w.sent[1]!.ack({ success: true });
    await expect(p).resolves.toEqual({ success: true });
  });

  it('accepts a late ack from the previous connection exactly once', async () => {
    const w = wire();
    const o = new AckOutbox(w.send);
    o.setOnline();
    const p = o.push('a', 1);
    o.setOffline();
    o.setOnline(); // resent
    w.sent[0]!.ack({ success: true });
    w.sent[1]!.ack({ success: true });
    await expect(p).resolves.toEqual({ success: true });
    expect(o.pending).toHaveLength(0);
  });

  it('refuses, never drops, beyond maxPending', async () => {
    const o = new AckOutbox(wire().send, { maxPending: 1 });
    void o.push('a', 1);
    await expect(o.push('b', 2)).rejects.toMatchObject({ code: ErrorCodes.FW_QUEUE_OVERFLOW });
    expect(o.pending.map((e) => e.event)).toEqual(['a']);
  });

  it('close() rejects pending messages with FW_CLOSED', async () => {
    const o = new AckOutbox(wire().send);
    const p = o.push('a', 1);
    o.close();
    await expect(p).rejects.toMatchObject({ code: ErrorCodes.FW_CLOSED });
  });
});

describe('SendQueue', () => {
  it('drops the oldest when full and reports each drop', () => {
    const dropped: number[] = [];
    const q = new SendQueue<number>(3, (d) => dropped.push(d));
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(dropped).toEqual([1, 2]);
    expect(q.dropped).toBe(2);
    expect(q.drain()).toEqual([3, 4, 5]);
    expect(q.size).toBe(0);
  });

  it('capacity 0 disables queueing', () => {
    const dropped: string[] = [];
    const q = new SendQueue<string>(0, (d) => dropped.push(d));
    q.push('x');
    expect(q.drain()).toEqual([]);
    expect(dropped).toEqual(['x']);
  });
});
