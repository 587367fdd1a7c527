/**
 * k6 load test: `lightd` container console sessions (shared/protocols/lightd.md).
 *
 * Each VU is one operator console on /ws/<server id>?token=…: it asks for
 * historical logs at once (request_logs → logs round trip), then every
 * HEARTBEAT_INTERVAL runs a command and times it until its marker shows up
 * in the console output, while counting the stats / console / state events
 * streamed to it. Power actions are opt-in (POWER_EVERY) since they change
 * the container every other console is watching.
 *
 *   k6 run loadtests/lightd.ts
 *   k6 run -e BASE_URL=ws://lightd.internal:8070 -e KEYS_FILE=consoles.txt loadtests/lightd.ts
 *
 * KEYS_FILE rows are `serverId,token` (or one token per line with SERVER_ID
 * set). A single-use token is consumed by its first connection, so give each
 * console its own token and expect reconnects to be refused with such tokens.
 *
 * Env: BASE_URL (ws://127.0.0.1:8070), AGENTS, DURATION, RAMP, HEARTBEAT_INTERVAL (5s),
 * ACK_TIMEOUT (10s), KEYS_FILE, DEV_KEY (token when no file, lightd_fleetwire-dev-token),
 * SERVER_ID (server id when the file names none; default one per console: k6-server-<n>),
 * POWER_EVERY (0 = never; else every Nth beat sends power restart), SHARD_INDEX/SHARD_COUNT,
 * THRESHOLDS, SUMMARY_JSON.
 */
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { idle, identity, openKeys, pacing, runOptions, summarize } from './common.ts';
import { readConfig, thresholds, wsUrl } from './lib/config.ts';
import { lightdEventOf, lightdPower, lightdRequestLogs, lightdSendCommand } from './lib/lightd.ts';
import { runSession } from './session.ts';

const DIALECT = 'lightd';
const cfg = readConfig(__ENV, DIALECT, 'ws://127.0.0.1:8070');
const keys = openKeys(cfg);
const devToken = __ENV.DEV_KEY || 'lightd_fleetwire-dev-token';
const powerEvery = Number(__ENV.POWER_EVERY || '0');
if (!Number.isInteger(powerEvery) || powerEvery < 0) throw new Error(`POWER_EVERY must be a non-negative integer, got "${__ENV.POWER_EVERY}"`);

export const options: Options = runOptions(
  cfg,
  DIALECT,
  thresholds(
    {
      lightd_logs_ms: ['p(95)<500'],
      lightd_command_echo_ms: ['p(95)<500'],
      lightd_lifecycle_success: ['rate>0.99'],
      lightd_protocol_errors: ['count<1'],
    },
    __ENV,
  ),
);

const logsMs = new Trend('lightd_logs_ms', true);
const echoMs = new Trend('lightd_command_echo_ms', true);
const pingRtt = new Trend('lightd_ping_rtt_ms', true);
const lifecycle = new Rate('lightd_lifecycle_success');
const protocolErrors = new Counter('lightd_protocol_errors');
const events = new Counter('lightd_events');

const pace = pacing(cfg);

export default function (): void {
  const me = identity(cfg, keys, devToken);
  if ('error' in me) return idle(cfg, me.error);
  if (!pace.before()) return;
  // A keys-file row `serverId,token` names the server; otherwise SERVER_ID or one per console.
  const serverId = keys[me.index]?.nodeId ?? (__ENV.SERVER_ID || `k6-server-${me.index}`);
  let logsAskedAt = 0;
  const pending = new Map<string, number>(); // command marker → sent at
  let seq = 0;

  runSession(cfg, pace, {
    url: wsUrl(cfg.baseUrl, `/ws/${encodeURIComponent(serverId)}`, { token: me.key }),
    lifecycle,
    pingRtt,
    label: `lightd console ${me.index} (${serverId})`,
    onOpen(s) {
      logsAskedAt = Date.now();
      s.send(lightdRequestLogs());
      s.after(cfg.ackTimeoutMs, () => {
        if (logsAskedAt === 0 || s.ended) return;
        logsAskedAt = 0;
        lifecycle.add(false, { step: 'logs' });
      });
      s.every(cfg.heartbeatMs, () => {
        seq++;
        const marker = `k6-${me.index}-${seq}`;
        const now = Date.now();
        for (const [m, at] of pending) {
          if (now - at > cfg.ackTimeoutMs) {
            pending.delete(m);
            lifecycle.add(false, { step: 'command' });
          }
        }
        pending.set(marker, now);
        s.send(lightdSendCommand(`echo ${marker}`));
        s.ping();
        if (powerEvery > 0 && seq % powerEvery === 0) s.send(lightdPower('restart'));
      });
    },
    onMessage(data) {
      const r = lightdEventOf(data);
      if (!r.ok) {
        protocolErrors.add(1, { code: 'FW_PROTOCOL_INVALID' });
        console.warn(`lightd console ${me.index}: ${r.error}`);
        return;
      }
      events.add(1, { event: r.event });
      if (r.event === 'logs' && logsAskedAt > 0) {
        logsMs.add(Date.now() - logsAskedAt);
        lifecycle.add(true, { step: 'logs' });
        logsAskedAt = 0;
      } else if (r.event === 'console' && typeof r.msg.data === 'string' && pending.size > 0) {
        for (const [marker, at] of pending) {
          if (r.msg.data.indexOf(marker) === -1) continue;
          echoMs.add(Date.now() - at);
          lifecycle.add(true, { step: 'command' });
          pending.delete(marker);
        }
      }
    },
  });
}

export function handleSummary(data: unknown): Record<string, string> {
  return summarize(data, DIALECT, cfg);
}
