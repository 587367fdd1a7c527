import { afterEach, describe, expect, it, vi } from 'vitest';
import { Reconnector } from './reconnector.js';
import { TransitionCodes, type StateTransition } from './state.js';
import { ErrorCodes, FleetwireError } from './errors.js';
import type { DisconnectedInfo, RetryInfo } from './client.js';

afterEach(() => vi.useRealTimers());

function setup(opts: ConstructorParameters<typeof Reconnector>[0] = {}) {
  const transitions: StateTransition[] = [];
  const retries: number[] = [];
  let attempts = 0;
  const r = new Reconnector(
    { backoff: { random: () => 0.5 }, ...opts },
    { attempt: () => attempts++, onTransition: (t) => transitions.push(t), onRetryScheduled: (d) => retries.push(d.delayMs) },
  );
  return { r, transitions, retries, attempts: () => attempts, path: () => transitions.map((t) => `${t.to}:${t.code}`) };
}

describe('Reconnector', () => {
  it('a retryTimer option runs the backoff delay instead of setTimeout; stop() clears it', () => {
    const armed: { fn: () => void; ms: number; cleared: boolean }[] = [];
    const s = setup({
      retryTimer: {
        set: (fn, ms) => armed.push({ fn, ms, cleared: false }) - 1,
        clear: (h) => (armed[h as number]!.cleared = true),
      },
    });
    s.r.start();
    s.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'ECONNREFUSED' });
    expect(armed.map((a) => a.ms)).toEqual([500]);
    armed[0]!.fn();
    expect(s.attempts()).toBe(2);
    s.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'ECONNREFUSED' });
    expect(armed).toHaveLength(2);
    s.r.stop();
    expect(armed[1]!.cleared).toBe(true);
  });

  it('retries a failed attempt after the backoff delay and reaches connected', () => {
    vi.useFakeTimers();
    const s = setup();
    s.r.start();
    expect(s.attempts()).toBe(1);
    s.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'ECONNREFUSED' });
    expect(s.retries).toEqual([500]);
    vi.advanceTimersByTime(499);
    expect(s.attempts()).toBe(1);
    vi.advanceTimersByTime(1);
    expect(s.attempts()).toBe(2);
    s.r.opened();
    expect(s.path()).toEqual(['connecting:CONNECT_CALLED', 'reconnecting:CONNECT_FAILED', 'connected:CONNECTED']);
  });

  it('an auth failure is terminal by default: closed, no timer', () => {
    vi.useFakeTimers();
    const s = setup();
    s.r.start();
    s.r.failed({ code: TransitionCodes.AUTH_REJECTED, reason: '401', auth: true });
    expect(s.r.state).toBe('closed');
    vi.advanceTimersByTime(60_000);
    expect(s.attempts()).toBe(1);
    expect(s.path()).toEqual(['connecting:CONNECT_CALLED', 'closed:AUTH_REJECTED']);
  });

  it('retryOnAuthFailure keeps trying after auth failures', () => {
    vi.useFakeTimers();
    const s = setup({ retryOnAuthFailure: true });
    s.r.start();
    s.r.failed({ code: TransitionCodes.AUTH_REJECTED, reason: '401', auth: true });
    vi.advanceTimersByTime(1000);
    expect(s.attempts()).toBe(2);
    expect(s.r.state).toBe('reconnecting');
  });

  it('a terminal failure (token expired, no provider) closes even with retryOnAuthFailure', () => {
    const s = setup({ retryOnAuthFailure: true });
    s.r.start();
    s.r.opened();
    s.r.failed({ code: TransitionCodes.TOKEN_EXPIRED, reason: '4001', terminal: true });
    expect(s.path().at(-1)).toBe('closed:TOKEN_EXPIRED');
  });

  it('gives up with RETRIES_EXHAUSTED after maxAttempts', () => {
    vi.useFakeTimers();
    const s = setup({ backoff: { maxAttempts: 2, random: () => 0 } });
    s.r.start();
    for (let i = 0; i < 3; i++) {
      s.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'refused' });
      vi.runOnlyPendingTimers();
    }
    expect(s.r.state).toBe('closed');
    expect(s.transitions.at(-1)).toMatchObject({ code: 'RETRIES_EXHAUSTED', reason: expect.stringMatching(/gave up after 2 attempts; last: refused/) });
    expect(s.attempts()).toBe(3);
  });

  it('stop() cancels a pending retry and leaves no timer behind', () => {
    vi.useFakeTimers();
    const s = setup();
    s.r.start();
    s.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'x' });
    expect(vi.getTimerCount()).toBe(1);
    s.r.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(s.path().at(-1)).toBe('closed:CLOSE_CALLED');
    vi.advanceTimersByTime(60_000);
    expect(s.attempts()).toBe(1);
  });

  it('reconnect: false closes on the first loss', () => {
    const s = setup({ reconnect: false });
    s.r.start();
    s.r.opened();
    s.r.failed({ code: TransitionCodes.CONNECTION_LOST, reason: 'gone' });
    expect(s.path()).toEqual(['connecting:CONNECT_CALLED', 'connected:CONNECTED', 'closed:CONNECTION_LOST']);
  });

  it('start() after close() connects again with a fresh backoff', () => {
    const s = setup();
    s.r.start();
    s.r.stop();
    s.r.start();
    expect(s.attempts()).toBe(2);
    expect(s.r.state).toBe('connecting');
  });

  it('a stale opened() after failed() is refused: the retry still runs and the state stays honest', () => {
    vi.useFakeTimers();
    const s = setup();
    s.r.start();
    // The transport closed (parse error) and was reported; then the same transport's
    // late "connect" arrives. It must not turn into `connected`.
    s.r.failed({ code: TransitionCodes.CONNECTION_LOST, reason: 'parse error' });
    expect(s.r.opened()).toBe(false);
    expect(s.r.state).toBe('reconnecting');
    vi.runOnlyPendingTimers();
    expect(s.attempts()).toBe(2);
    expect(s.r.opened()).toBe(true);
    expect(s.path()).toEqual(['connecting:CONNECT_CALLED', 'reconnecting:CONNECTION_LOST', 'connected:CONNECTED']);
  });

  it('a failed retry is a retry event, not a reconnecting → reconnecting transition', () => {
    vi.useFakeTimers();
    const infos: RetryInfo[] = [];
    const s = setup();
    const r = new Reconnector({ backoff: { random: () => 0.5 } }, { attempt: () => {}, onTransition: (t) => s.transitions.push(t), onRetryScheduled: (i) => infos.push(i) });
    r.start();
    for (let i = 0; i < 3; i++) {
      r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: `refused ${i}` });
      vi.runOnlyPendingTimers();
    }
    expect(s.path()).toEqual(['connecting:CONNECT_CALLED', 'reconnecting:CONNECT_FAILED']);
    expect(infos.map((i) => [i.attempt, i.code, i.reason])).toEqual([
      [1, 'CONNECT_FAILED', 'refused 0'],
      [2, 'CONNECT_FAILED', 'refused 1'],
      [3, 'CONNECT_FAILED', 'refused 2'],
    ]);
    r.stop();
  });

  it('disconnected fires only for an accepted connection, after the state changed, with willRetry', () => {
    const seen: string[] = [];
    const drops: DisconnectedInfo[] = [];
    const r = new Reconnector(
      { reconnect: false },
      { attempt: () => {}, onTransition: (t) => seen.push(`state:${t.to}`), onDisconnected: (d) => (seen.push('disconnected'), drops.push(d)) },
    );
    r.start();
    r.opened();
    r.failed({ code: TransitionCodes.CONNECTION_LOST, reason: 'gone', closeCode: 1006 });
    expect(seen).toEqual(['state:connecting', 'state:connected', 'state:closed', 'disconnected']);
    expect(drops).toEqual([{ code: 'CONNECTION_LOST', reason: 'gone', closeCode: 1006, willRetry: false }]);
  });

  describe('connect() promise', () => {
    it('resolves on the first accepted connection; already connected resolves at once', async () => {
      vi.useFakeTimers();
      const s = setup();
      const p = s.r.connect(undefined);
      s.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'refused' });
      vi.runOnlyPendingTimers(); // the retry
      expect(s.r.opened()).toBe(true);
      await expect(p).resolves.toBeUndefined();
      await expect(s.r.connect(undefined)).resolves.toBeUndefined();
      s.r.stop();
    });

    it('rejects with the failure error when an auth refusal is final', async () => {
      const s = setup();
      const p = s.r.connect(undefined);
      const error = new FleetwireError(ErrorCodes.FW_AUTH_REJECTED, 'refused');
      s.r.failed({ code: TransitionCodes.AUTH_REJECTED, reason: '401', auth: true, error });
      await expect(p).rejects.toBe(error);
    });

    it('rejects with FW_CLOSED on stop() and FW_RETRIES_EXHAUSTED when the policy gives up', async () => {
      const a = setup();
      const pa = a.r.connect(undefined);
      a.r.stop();
      await expect(pa).rejects.toMatchObject({ code: ErrorCodes.FW_CLOSED });

      vi.useFakeTimers();
      const b = setup({ backoff: { maxAttempts: 1, random: () => 0 } });
      const pb = b.r.connect(undefined);
      b.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'refused' });
      vi.runOnlyPendingTimers();
      b.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'refused again' });
      await expect(pb).rejects.toMatchObject({ code: ErrorCodes.FW_RETRIES_EXHAUSTED });
    });

    it('timeoutMs rejects with FW_TIMEOUT but the reconnect loop goes on and later connects', async () => {
      vi.useFakeTimers();
      const s = setup();
      const p = s.r.connect(undefined, { timeoutMs: 5000 });
      s.r.failed({ code: TransitionCodes.CONNECT_FAILED, reason: 'refused' });
      vi.advanceTimersByTime(5000);
      await expect(p).rejects.toMatchObject({ code: ErrorCodes.FW_TIMEOUT });
      expect(s.r.state).toBe('reconnecting');
      expect(s.attempts()).toBe(2); // the retry after 500 ms went ahead regardless
      s.r.opened();
      expect(s.r.state).toBe('connected');
      s.r.stop();
    });

    it('an ignored promise that rejects is not an unhandled rejection', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        const s = setup();
        void s.r.connect(undefined);
        s.r.failed({ code: TransitionCodes.AUTH_REJECTED, reason: '401', auth: true });
        await new Promise((r) => setTimeout(r, 10));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });
});
