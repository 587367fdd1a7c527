/**
 * One plain-WebSocket agent session for k6 (monitor, vstats, lightd,
 * control-plane): opens the socket, runs the dialect's hooks, measures
 * WebSocket ping RTT, keeps every timer in one place so the iteration ends
 * when the session does, and closes cleanly just before the scenario ends.
 */
import { WebSocket } from 'k6/websockets';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'k6/timers';
import type { Rate, Trend } from 'k6/metrics';
import type { VuRuntime } from './common.ts';

export interface Session {
  ws: WebSocket;
  /** Sends a JSON message. */
  send(msg: unknown): void;
  every(ms: number, fn: () => void): void;
  after(ms: number, fn: () => void): void;
  /** Sends a WebSocket ping; its RTT lands in the `pingRtt` trend. */
  ping(): void;
  /** Ends the session. `ok` false counts a failed lifecycle step; `final` stops this VU for good. */
  end(ok: boolean, why?: string, final?: boolean): void;
  readonly ended: boolean;
  /** ms until the session's planned end. */
  readonly remainingMs: number;
}

export interface SessionSpec {
  url: string;
  headers?: Record<string, string>;
  lifecycle: Rate;
  pingRtt: Trend;
  label: string;
  onOpen(s: Session): void;
  onMessage(data: unknown, s: Session): void;
}

/**
 * Runs one session of `lengthMs` (from `rt.pace.before()`). Lifecycle steps:
 * `connect` once per attempt (a refused or dropped handshake is one failure,
 * nothing else), and `session` once per session that opened. An exception in
 * a hook is counted in `<dialect>_iteration_errors` and ends the session.
 */
export function runSession(rt: VuRuntime, lengthMs: number, spec: SessionSpec): void {
  const pace = rt.pace;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const intervals: ReturnType<typeof setInterval>[] = [];
  const pings: number[] = [];
  const endsAt = Date.now() + lengthMs;
  let opened = false;
  let ended = false;
  // Params always an object: k6/experimental/websockets threw on null here.
  const ws = new WebSocket(spec.url, null, spec.headers ? { headers: spec.headers } : {});

  const stopTimers = () => {
    for (const t of timers) clearTimeout(t);
    for (const i of intervals) clearInterval(i);
  };
  /** Counts a failed connection attempt (never opened): one step, no session. */
  const refused = (why: string) => {
    ended = true;
    spec.lifecycle.add(false, { step: 'connect' });
    console.warn(`${spec.label}: ${why}`);
    pace.failed();
    stopTimers();
  };
  const guard = <A extends unknown[]>(where: string, fn: (...a: A) => void) => rt.guard(where, fn, () => s.end(false, `${where} threw`));
  const s: Session = {
    ws,
    send: (msg) => ws.send(JSON.stringify(msg)),
    every: (ms, fn) => void intervals.push(setInterval(guard('timer', fn), ms)),
    after: (ms, fn) => void timers.push(setTimeout(guard('timer', fn), ms)),
    ping: () => {
      pings.push(Date.now());
      ws.ping();
    },
    end(ok, why, final) {
      if (ended) return;
      ended = true;
      if (opened) spec.lifecycle.add(ok, { step: 'session' });
      else spec.lifecycle.add(false, { step: 'connect' });
      if (why && ok) console.info(`${spec.label}: ${why}`);
      else if (why) console.warn(`${spec.label}: ${why}`);
      if (final) pace.stop();
      else if (!ok) pace.failed();
      stopTimers();
      ws.close(ok ? 1000 : 4000, ok ? 'test over' : 'load test agent failed');
    },
    get ended() {
      return ended;
    },
    get remainingMs() {
      return Math.max(0, endsAt - Date.now());
    },
  };

  ws.onopen = guard('onopen', () => {
    opened = true;
    pace.ok();
    rt.sessions.add(1);
    spec.lifecycle.add(true, { step: 'connect' });
    spec.onOpen(s);
  });
  ws.onpong = () => {
    const sent = pings.shift();
    if (sent !== undefined) spec.pingRtt.add(Date.now() - sent);
  };
  ws.onmessage = guard('onmessage', (e?: { data?: unknown }) => {
    if (!ended) spec.onMessage(e?.data, s);
  });
  ws.onerror = (e) => {
    if (ended) return;
    if (!opened) return refused(`websocket error: ${e?.error ?? 'unknown'}`);
    s.end(false, `websocket error: ${e?.error ?? 'unknown'}`);
  };
  ws.onclose = () => {
    if (ended) return;
    if (!opened) return refused('closed before it opened');
    ended = true;
    spec.lifecycle.add(false, { step: 'session' });
    console.warn(`${spec.label}: closed by the server`);
    pace.failed();
    stopTimers();
  };
  timers.push(setTimeout(() => s.end(opened, opened ? undefined : `the connection did not open within the ${lengthMs} ms session`), lengthMs));
}
