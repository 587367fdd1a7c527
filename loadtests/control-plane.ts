/**
 * k6 load test: `control-plane` stream subscribers (docs/protocols/control-plane.md).
 *
 * Each VU is one dashboard on the push-only /ws stream. It sends nothing
 * (the document says clients should not), reads every event, checks its shape,
 * and records fan-out latency from the event's own timestamp (timestamp,
 * changedAt, completedAt, …) to the moment it arrived. WebSocket pings every
 * HEARTBEAT_INTERVAL measure how responsive the server stays under fan-out.
 * Events come from the control plane's activity: run fleet.ts (or the
 * simulator) against it at the same time to generate them.
 *
 *   k6 run loadtests/control-plane.ts
 *   k6 run -e BASE_URL=wss://cp.example.com -e AGENTS=5000 -e TOKEN=… loadtests/control-plane.ts
 *
 * Clocks: fan-out compares the server's clock with the runner's. Against
 * 127.0.0.1 they are the same clock; across hosts keep both NTP-synced.
 *
 * Env: BASE_URL (ws://127.0.0.1:3000), AGENTS, DURATION, RAMP, HEARTBEAT_INTERVAL (5s),
 * STREAM_PATH (/ws), TOKEN (optional ?token=), MIN_EVENTS (0: events each
 * subscriber must see for its session to count as a success), SHARD_INDEX/SHARD_COUNT,
 * THRESHOLDS, SUMMARY_JSON.
 */
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { idle, identity, runOptions, summarize, vuRuntime } from './common.ts';
import { readConfig, wsUrl } from './lib/config.ts';
import { fanOutMs, readControlPlaneEvent } from './lib/control-plane.ts';
import { runSession } from './session.ts';

const DIALECT = 'control-plane';
const cfg = readConfig(__ENV, DIALECT, 'ws://127.0.0.1:3000');
const url = wsUrl(cfg.baseUrl, __ENV.STREAM_PATH || '/ws', { token: __ENV.TOKEN });
const minEvents = Number(__ENV.MIN_EVENTS || '0');
if (!Number.isInteger(minEvents) || minEvents < 0) throw new Error(`MIN_EVENTS must be a non-negative integer, got "${__ENV.MIN_EVENTS}"`);

export const options: Options = runOptions(cfg, DIALECT, {
  control_plane_fanout_ms: ['p(95)<500'],
  control_plane_ping_rtt_ms: ['p(95)<250'],
  control_plane_lifecycle_success: ['rate>0.99'],
  control_plane_protocol_errors: ['count<1'],
});

const fanOut = new Trend('control_plane_fanout_ms', true);
const pingRtt = new Trend('control_plane_ping_rtt_ms', true);
const lifecycle = new Rate('control_plane_lifecycle_success');
const protocolErrors = new Counter('control_plane_protocol_errors');
const events = new Counter('control_plane_events');
const untimed = new Counter('control_plane_events_untimed');

const rt = vuRuntime(cfg, DIALECT);

export default rt.iteration(function (): void {
  const me = identity(cfg, [], '');
  if ('error' in me) return idle(cfg, me.error);
  const sessionMs = rt.pace.before();
  if (!sessionMs) return;
  let seen = 0;

  runSession(rt, sessionMs, {
    url,
    lifecycle,
    pingRtt,
    label: `control-plane subscriber ${me.index}`,
    onOpen(s) {
      s.every(cfg.heartbeatMs, () => s.ping());
      if (minEvents > 0) {
        // Judge the stream shortly before the session ends.
        s.after(Math.max(0, s.remainingMs - 1000), () => lifecycle.add(seen >= minEvents, { step: 'events' }));
      }
    },
    onMessage(data) {
      const received = Date.now();
      const r = readControlPlaneEvent(data);
      if (!r.ok) {
        protocolErrors.add(1, { code: 'FW_PROTOCOL_INVALID' });
        console.warn(`control-plane subscriber ${me.index}: ${r.error}`);
        return;
      }
      seen++;
      events.add(1, { category: r.value.category });
      const ms = fanOutMs(r.value, received);
      if (ms === undefined) untimed.add(1, { event: r.value.event });
      else fanOut.add(ms, { event: r.value.event });
    },
  });
});

export function handleSummary(data: unknown): Record<string, string> {
  return summarize(data, DIALECT, cfg);
}
