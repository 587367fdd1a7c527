/**
 * WsTransport ends every attempt exactly once, whatever the platform's event
 * order: error then close (`ws`, browsers), error alone (Node 22's undici on a
 * refused connection), close alone, or nothing at all (connect timeout).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WsTransport, type CloseInfo, type WebSocketLike } from './websocket.js';

class FakeSocket implements WebSocketLike {
  static last: FakeSocket;
  readyState = 0;
  closedWith: [number | undefined, string | undefined] | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(): void {}
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
  }
}

function start(connectTimeoutMs?: number) {
  const closes: CloseInfo[] = [];
  const opens: number[] = [];
  const t = new WsTransport(
    'ws://x',
    { onOpen: () => opens.push(1), onMessage: () => {}, onMalformed: () => {}, onClose: (i) => closes.push(i) },
    { WebSocket: FakeSocket, connectTimeoutMs },
  );
  return { t, ws: FakeSocket.last, closes, opens };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('WsTransport: an attempt ends exactly once', () => {
  it('error without close (undici on a refused connection) ends the attempt as a never-opened 1006', () => {
    const { ws, closes } = start();
    ws.onerror!({ message: 'connect ECONNREFUSED 127.0.0.1:1' });
    expect(closes).toEqual([{ code: 1006, reason: 'connect ECONNREFUSED 127.0.0.1:1', httpStatus: undefined, neverOpened: true }]);
    expect(ws.closedWith).not.toBeNull(); // the socket is let go, not left dangling
  });

  it('error then close (`ws`, browsers) reports once, with the HTTP status `ws` puts in the error', () => {
    const { ws, closes } = start();
    const onclose = ws.onclose!;
    ws.onerror!({ message: 'Unexpected server response: 401' });
    onclose({ code: 1006, reason: '' });
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ code: 1006, httpStatus: 401, neverOpened: true });
  });

  it('close alone keeps its code and reason; a later error is ignored', () => {
    const { ws, closes, opens } = start();
    ws.onopen!({});
    const onerror = ws.onerror!;
    ws.onclose!({ code: 4001, reason: 'token expired' });
    onerror({ message: 'late' });
    expect(opens).toEqual([1]);
    expect(closes).toEqual([{ code: 4001, reason: 'token expired', httpStatus: undefined, neverOpened: false }]);
  });

  it('a socket that never opens ends at the connect timeout; later events are ignored', () => {
    vi.useFakeTimers();
    const { ws, closes } = start(500);
    const { onerror, onclose } = ws;
    vi.advanceTimersByTime(499);
    expect(closes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(closes).toHaveLength(1);
    expect(closes[0]).toMatchObject({ code: 1006, neverOpened: true });
    expect(closes[0]!.reason).toMatch(/connect timeout: not open after 500 ms/);
    onerror?.({ message: 'x' });
    onclose?.({ code: 1006, reason: '' });
    expect(closes).toHaveLength(1);
  });

  it('the default connect timeout is 10 s, and an opened socket is not timed out', () => {
    vi.useFakeTimers();
    const a = start();
    vi.advanceTimersByTime(9_999);
    expect(a.closes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(a.closes).toHaveLength(1);
    const b = start(100);
    b.ws.onopen!({});
    vi.advanceTimersByTime(1_000);
    expect(b.closes).toEqual([]);
  });

  it('close() by the owner reports nothing, and clears the timer', () => {
    vi.useFakeTimers();
    const { t, ws, closes } = start(100);
    const onerror = ws.onerror!;
    t.close();
    vi.advanceTimersByTime(1_000);
    onerror({ message: 'closed mid-handshake' });
    expect(closes).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a constructor that throws (bad URL) ends as one 1006 close', async () => {
    const closes: CloseInfo[] = [];
    const Throwing = function () {
      throw new SyntaxError('Invalid URL');
    } as unknown as typeof FakeSocket;
    new WsTransport('nope', { onOpen() {}, onMessage() {}, onMalformed() {}, onClose: (i) => closes.push(i) }, { WebSocket: Throwing });
    await Promise.resolve();
    expect(closes).toEqual([{ code: 1006, reason: 'Invalid URL', httpStatus: undefined, neverOpened: true }]);
  });
});
