/**
 * k6 load test: `lightd` container console sessions (docs/protocols/lightd.md).
 *
 * Each VU is one operator console on /ws/<server id>?token=…: it asks for
 * historical logs at once (request_logs → logs round trip), then every
 * HEARTBEAT_INTERVAL runs a command and times it until its marker shows up
 * in the console output, while counting the stats / console / state events
 * streamed to it. A console whose container is stopped starts it once
 * (AUTO_START), since a stopped container answers no commands. Power actions
 * beyond that are opt-in (POWER_EVERY): they change the container every other
 * console is watching.
 *
 * lightd has no dev token, so the script needs one of (see loadtests/README.md):
 *   k6 run -e ADMIN_TOKEN=fwadm_… loadtests/lightd.ts                  # mock backend: mints a token, creates containers
 *   k6 run -e BASE_URL=ws://lightd.internal:8070 -e KEYS_FILE=consoles.txt loadtests/lightd.ts
 *   k6 run -e LIGHTD_TOKEN=lightd_… -e SERVER_ID=my-server-001 loadtests/lightd.ts
 *
 * KEYS_FILE rows are `serverId,token` (or one token per line with SERVER_ID
 * set). A single-use token is consumed by its first connection, so give each
 * console its own token and expect reconnects to be refused with such tokens.
 *
 * Env: BASE_URL (ws://127.0.0.1:8070), AGENTS, DURATION, RAMP, HEARTBEAT_INTERVAL (5s),
 * ACK_TIMEOUT (10s), KEYS_FILE, LIGHTD_TOKEN, ADMIN_TOKEN + ADMIN_URL (http://127.0.0.1:3100),
 * SERVER_ID (server id when the file names none; default one per console: k6-server-<n>),
 * AUTO_START (1: start a stopped container once; 0: never), POWER_EVERY (0 = never; else
 * every Nth beat sends power restart), SHARD_INDEX/SHARD_COUNT, THRESHOLDS, SUMMARY_JSON.
 */
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { idle, identity, openKeys, runOptions, sessionNow, summarize, vuRuntime } from './common.ts';
import { readConfig, wsUrl } from './lib/config.ts';
import { lightdCredentials, type LightdCredentials, lightdEventOf, lightdPower, lightdProbe, lightdRequestLogs, lightdSendCommand, lightdTokenRequest, readAdminReply } from './lib/lightd.ts';
import { runSession } from './session.ts';

const DIALECT = 'lightd';
const cfg = readConfig(__ENV, DIALECT, 'ws://127.0.0.1:8070');
const keys = openKeys(cfg);
// Credentials are read when first needed (setup(), a VU's first iteration), not
// at init: `k6 archive`/`k6 inspect` (the k6-operator's initializer) run init
// only, and the tokens come from a Kubernetes Secret in the runner's env at
// run time, never from what was packaged.
let credsRead: LightdCredentials | undefined;
const creds = (): LightdCredentials => (credsRead ??= lightdCredentials(__ENV));
const powerEvery = Number(__ENV.POWER_EVERY || '0');
if (!Number.isInteger(powerEvery) || powerEvery < 0) throw new Error(`POWER_EVERY must be a non-negative integer, got "${__ENV.POWER_EVERY}"`);
const autoStart = (__ENV.AUTO_START ?? '1') !== '0';

export const options: Options = runOptions(cfg, DIALECT, {
  lightd_logs_ms: ['p(95)<500'],
  lightd_command_echo_ms: ['p(95)<500'],
  lightd_lifecycle_success: ['rate>0.99'],
  lightd_protocol_errors: ['count<1'],
});

const logsMs = new Trend('lightd_logs_ms', true);
const echoMs = new Trend('lightd_command_echo_ms', true);
const pingRtt = new Trend('lightd_ping_rtt_ms', true);
const lifecycle = new Rate('lightd_lifecycle_success');
const protocolErrors = new Counter('lightd_protocol_errors');
const events = new Counter('lightd_events');
/** Beats without a command because the container was between states (starting, stopping, installing). */
const skipped = new Counter('lightd_commands_skipped');

const adminHeaders = (c: LightdCredentials): Record<string, string> => (c.mode === 'admin' ? { Authorization: `Bearer ${c.adminToken}`, 'Content-Type': 'application/json' } : {});

/** The token every console uses when the keys file gives none; minted here when ADMIN_TOKEN is set. */
export function setup(): { token: string } {
  const c = creds(); // throws, naming the variables to set, when there are none
  if (c.mode === 'keys') return { token: '' };
  if (c.mode === 'token') return { token: c.token };
  const res = http.post(`${c.adminUrl}/api/lightd/tokens`, JSON.stringify(lightdTokenRequest(cfg.ramp.ms + cfg.duration.ms)), { headers: adminHeaders(c) });
  const r = readAdminReply(res.status, res.body, `minting a lightd token at ${c.adminUrl}`);
  if (!r.ok) throw new Error(r.error);
  if (typeof r.value.token !== 'string') throw new Error(`minting a lightd token at ${c.adminUrl}: the reply has no "token"`);
  return { token: r.value.token };
}

const rt = vuRuntime(cfg, DIALECT);
let containerReady = false;

export default rt.iteration(function (data: { token: string }): void {
  const me = identity(cfg, keys, data.token);
  if ('error' in me) return idle(cfg, me.error);
  let sessionMs = rt.pace.before();
  if (!sessionMs) return;
  const c = creds();
  // A keys-file row `serverId,token` names the server; otherwise SERVER_ID or one per console.
  const serverId = keys[me.index]?.nodeId ?? (__ENV.SERVER_ID || `k6-server-${me.index}`);
  const label = `lightd console ${me.index} (${serverId})`;
  if (!containerReady && c.mode === 'admin') {
    // The mock backend's containers exist once created (idempotent); a real lightd's exist already.
    const res = http.post(`${c.adminUrl}/api/lightd/containers`, JSON.stringify({ internalId: serverId }), { headers: adminHeaders(c), tags: { step: 'container' } });
    const r = readAdminReply(res.status, res.body, `creating container ${serverId}`);
    lifecycle.add(r.ok, { step: 'container' });
    if (!r.ok) {
      console.warn(`${label}: ${r.error}`);
      return rt.pace.failed();
    }
    containerReady = true;
    // The request took time off the session; the next iteration idles if too little is left.
    sessionMs = sessionNow(cfg);
    if (!sessionMs) return;
  }
  let logsAskedAt = 0;
  const pending = new Map<string, number>(); // command marker → sent at
  let seq = 0;
  let state = ''; // last container state seen ('' = none yet: a server that sends none is not held back)
  let startAskedAt = 0;
  let stoppedWarned = false;

  runSession(rt, sessionMs, {
    url: wsUrl(cfg.baseUrl, `/ws/${encodeURIComponent(serverId)}`, { token: me.key }),
    lifecycle,
    pingRtt,
    label,
    onOpen(s) {
      logsAskedAt = Date.now();
      s.send(lightdRequestLogs());
      s.after(cfg.ackTimeoutMs, () => {
        if (logsAskedAt === 0 || s.ended) return;
        logsAskedAt = 0;
        lifecycle.add(false, { step: 'logs' });
        console.warn(`${label}: no logs within ${cfg.ackTimeoutMs} ms of request_logs`);
      });
      s.every(cfg.heartbeatMs, () => {
        s.ping();
        const now = Date.now();
        for (const [m, at] of pending) {
          if (now - at > cfg.ackTimeoutMs) {
            pending.delete(m);
            lifecycle.add(false, { step: 'command' });
            console.warn(`${label}: no echo of "${m}" within ${cfg.ackTimeoutMs} ms`);
          }
        }
        const starting = startAskedAt > 0 && now - startAskedAt < cfg.ackTimeoutMs && (state === 'installed' || state === 'exit');
        if (starting || state === 'starting' || state === 'stopping' || state === 'installing') {
          skipped.add(1, { state });
          return;
        }
        if (state === 'installed' || state === 'exit') {
          // A stopped container answers no command: a failed beat, with the reason once.
          lifecycle.add(false, { step: 'command' });
          if (!stoppedWarned) console.warn(`${label}: container is "${state}", commands need it running${autoStart ? '' : ' (AUTO_START=1 starts it)'}`);
          stoppedWarned = true;
          return;
        }
        seq++;
        const probe = lightdProbe(me.index, seq);
        pending.set(probe.marker, now);
        s.send(lightdSendCommand(probe.command));
        if (powerEvery > 0 && seq % powerEvery === 0) s.send(lightdPower('restart'));
      });
    },
    onMessage(data, s) {
      const r = lightdEventOf(data);
      if (!r.ok) {
        protocolErrors.add(1, { code: 'FW_PROTOCOL_INVALID' });
        console.warn(`${label}: ${r.error}`);
        return;
      }
      events.add(1, { event: r.event });
      if (r.event === 'event' && typeof r.msg.data === 'string') {
        state = r.msg.data;
        if (autoStart && startAskedAt === 0 && (state === 'installed' || state === 'exit')) {
          startAskedAt = Date.now();
          s.send(lightdPower('start'));
        }
      } else if (r.event === 'logs' && logsAskedAt > 0) {
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
});

export function handleSummary(data: unknown): Record<string, string> {
  return summarize(data, DIALECT, cfg);
}
