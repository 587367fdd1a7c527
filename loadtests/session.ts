/**
 * One plain-WebSocket agent session for k6 (monitor, vstats, lightd,
 * control-plane): opens the socket, runs the dialect's hooks, measures
 * WebSocket ping RTT, keeps every timer in one place so the iteration ends
 * when the session does, and closes cleanly just before the scenario ends.
 */
import { WebSocket } from 'k6/websockets';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'k6/timers';
import type { Rate, Trend } from 'k6/metrics';
import { sessionNow, type pacing } from './common.ts';
import type { RunConfig } from './lib/config.ts';

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

export function runSession(cfg: RunConfig, pace: ReturnType<typeof pacing>, spec: SessionSpec): void {
  const timers: ReturnType<typeof setTimeout>[] = [];
  const intervals: ReturnType<typeof setInterval>[] = [];
  const pings: number[] = [];
  let opened = false;
  let ended = false;
  const ws = new WebSocket(spec.url, null, spec.headers ? { headers: spec.headers } : null);

  const stopTimers = () => {
    for (const t of timers) clearTimeout(t);
    for (const i of intervals) clearInterval(i);
  };
  const s: Session = {
    ws,
    send: (msg) => ws.send(JSON.stringify(msg)),
    every: (ms, fn) => void intervals.push(setInterval(fn, ms)),
    after: (ms, fn) => void timers.push(setTimeout(fn, ms)),
    ping: () => {
      pings.push(Date.now());
      ws.ping();
    },
    end(ok, why, final) {
      if (ended) return;
      ended = true;
      spec.lifecycle.add(ok, { step: 'session' });
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
  };

  ws.onopen = () => {
    opened = true;
    pace.ok();
    spec.lifecycle.add(true, { step: 'connect' });
    spec.onOpen(s);
  };
  ws.onpong = () => {
    const sent = pings.shift();
    if (sent !== undefined) spec.pingRtt.add(Date.now() - sent);
  };
  ws.onmessage = (e) => {
    if (!ended) spec.onMessage(e?.data, s);
  };
  ws.onerror = (e) => {
    if (ended) return;
    if (!opened) spec.lifecycle.add(false, { step: 'connect' });
    s.end(false, `websocket error: ${e?.error ?? 'unknown'}`);
  };
  ws.onclose = () => {
    if (ended) return;
    if (!opened) spec.lifecycle.add(false, { step: 'connect' });
    ended = true;
    spec.lifecycle.add(false, { step: 'session' });
    console.warn(`${spec.label}: closed by the server`);
    pace.failed();
    stopTimers();
  };
  timers.push(setTimeout(() => s.end(opened, undefined), sessionNow(cfg)));
}
