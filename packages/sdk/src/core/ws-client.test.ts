import { describe, expect, it } from 'vitest';
import { ErrorCodes, type FleetwireError } from './errors.js';
import type { StateTransition } from './state.js';
import type { ClientEvents, DisconnectedInfo, RetryInfo } from './client.js';
import { WsClient, type WsClientOptions, type WsClientSetup } from './ws-client.js';
import type { WebSocketConstructor, WebSocketLike } from '../transports/websocket.js';

/** A WebSocket the test drives by hand: open(), frame(), drop(). */
class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    _protocols?: unknown,
    readonly options?: { headers?: Record<string, string> },
  ) {
    FakeSocket.made.push(this);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  frame(data: string): void {
    this.onmessage?.({ data });
  }
  drop(code: number, reason = '', httpStatus?: number): void {
    if (httpStatus) this.onerror?.({ message: `Unexpected server response: ${httpStatus}` });
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

interface Events extends ClientEvents {
  frame: (m: Record<string, unknown>) => void;
}

class Demo extends WsClient<Events> {
  constructor(opts: WsClientOptions, setup?: WsClientSetup) {
    super('demo', { WebSocket: FakeSocket as unknown as WebSocketConstructor, backoff: { initialDelayMs: 1, maxDelayMs: 1 }, ...opts }, setup);
  }
  protected url(): string {
    return 'ws://h/ws?token=s3cret&name=n';
  }
  protected onOpen(): void {
    this.markReady(`open ${this.safeUrl}`);
  }
  protected onFrame(m: Record<string, unknown>): void {
    this.emit('frame', m);
  }
  queue_(m: object): void {
    this.send(m);
  }
  now(m: object): boolean {
    return this.sendNow(m);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function started(opts: WsClientOptions = {}, setup?: WsClientSetup) {
  FakeSocket.made = [];
  const c = new Demo(opts, setup);
  const errors: FleetwireError[] = [];
  const states: StateTransition[] = [];
  const retries: RetryInfo[] = [];
  const drops: DisconnectedInfo[] = [];
  c.on('error', (e) => errors.push(e));
  c.on('state', (t) => states.push(t));
  c.on('reconnecting', (r) => retries.push(r));
  c.on('disconnected', (d) => drops.push(d));
  const connected = c.connect();
  await tick(); // url() is awaited
  return { c, errors, states, retries, drops, connected, ws: FakeSocket.made[0]! };
}

describe('WsClient', () => {
  it('passes handshake headers and hides the token in the state reason and in close errors', async () => {
    const { c, errors, states, retries, drops, ws } = await started({}, { headers: { Origin: 'https://dash' } });
    expect(ws.url).toBe('ws://h/ws?token=s3cret&name=n');
    expect(ws.options?.headers).toEqual({ Origin: 'https://dash' });
    ws.open();
    expect(states.at(-1)).toMatchObject({ to: 'connected', reason: 'open ws://h/ws?token=***&name=n' });
    ws.drop(1006, 'gone ws://h/ws?token=s3cret');
    // A lost connection is reconnect noise: `disconnected` + `reconnecting`, never `error`.
    expect(errors).toEqual([]);
    expect(drops).toEqual([{ code: 'CONNECTION_LOST', reason: 'close 1006 gone ws://h/ws?token=***', closeCode: 1006, willRetry: true }]);
    const lost = retries[0]!.error!;
    expect(lost.code).toBe(ErrorCodes.FW_CONNECTION_LOST);
    expect(lost.context).toMatchObject({ code: 1006, url: 'ws://h/ws?token=***&name=n' });
    expect(JSON.stringify(lost.context) + lost.message + JSON.stringify(states) + JSON.stringify(drops)).not.toContain('s3cret');
    c.close();
  });

  it('an auth close (HTTP 401 at the upgrade) is terminal FW_AUTH_REJECTED; a close before open is FW_CONNECT_FAILED and retried', async () => {
    const a = await started();
    a.ws.drop(1006, '', 401);
    expect(a.errors[0]).toMatchObject({ code: ErrorCodes.FW_AUTH_REJECTED, context: { httpStatus: 401 } });
    expect(a.errors[0]!.message).toContain('HTTP 401 at the upgrade');
    expect(a.c.state).toBe('closed');

    await expect(a.connected).rejects.toBe(a.errors[0]);

    const b = await started();
    b.ws.drop(1006);
    expect(b.errors).toEqual([]);
    expect(b.drops).toEqual([]); // never connected: nothing was disconnected
    expect(b.retries).toMatchObject([{ attempt: 1, code: 'CONNECT_FAILED', error: { code: ErrorCodes.FW_CONNECT_FAILED } }]);
    expect(b.c.state).toBe('reconnecting');
    b.c.close();
    await expect(b.connected).rejects.toMatchObject({ code: ErrorCodes.FW_CLOSED });
  });

  it('send() queues while not ready and flushes in order on markReady; sendNow() never queues', async () => {
    const { c, ws } = await started({ sendQueueCapacity: 2 });
    const overflow: FleetwireError[] = [];
    c.on('error', (e) => overflow.push(e));
    c.queue_({ n: 1 });
    c.queue_({ n: 2 });
    c.queue_({ n: 3 }); // drops n:1
    expect(c.now({ n: 'now' })).toBe(false);
    expect(c.queuedSends).toBe(2);
    expect(overflow.map((e) => e.code)).toEqual([ErrorCodes.FW_QUEUE_OVERFLOW]);
    ws.open();
    expect(ws.sent).toEqual(['{"n":2}', '{"n":3}']);
    expect(c.now({ n: 'now' })).toBe(true);
    expect(ws.sent.at(-1)).toBe('{"n":"now"}');
    c.close();
  });

  it('malformed frames become FW_PROTOCOL_MALFORMED; frames from a socket replaced by close() are ignored', async () => {
    const { c, errors, ws } = await started();
    const frames: unknown[] = [];
    c.on('frame', (m) => frames.push(m));
    ws.open();
    ws.frame('{nope');
    ws.frame('{"type":"x"}');
    expect(errors.map((e) => e.code)).toEqual([ErrorCodes.FW_PROTOCOL_MALFORMED]);
    expect(frames).toEqual([{ type: 'x' }]);
    c.close();
    ws.onmessage?.({ data: '{"type":"late"}' }); // handlers were detached on close
    expect(frames).toHaveLength(1);
  });
});
