/**
 * k6 load test: `vstats` metrics agents (docs/protocols/vstats.md).
 *
 * Each VU is one agent on /ws/agent?token=…: the full metrics report every
 * HEARTBEAT_INTERVAL and a `heartbeat` message every VSTATS_HEARTBEAT. The
 * dialect has no acks, so per-beat latency is the WebSocket ping RTT; the
 * server's own 30 s pings are answered by k6 automatically.
 *
 *   k6 run loadtests/vstats.ts
 *   k6 run -e BASE_URL=wss://vstats.example.com -e AGENTS=1000 -e KEYS_FILE=tokens.txt loadtests/vstats.ts
 *
 * Env: BASE_URL (ws://127.0.0.1:3001), AGENTS, DURATION, RAMP, HEARTBEAT_INTERVAL (5s),
 * VSTATS_HEARTBEAT (30s), KEYS_FILE (agent tokens), DEV_KEY (fleetwire-dev-key),
 * AGENT_PATH (/ws/agent), SHARD_INDEX/SHARD_COUNT, THRESHOLDS, SUMMARY_JSON.
 */
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { idle, identity, openKeys, runOptions, summarize, vuRuntime } from './common.ts';
import { parseDurationMs, readConfig, wsUrl } from './lib/config.ts';
import { HostModel } from './lib/host.ts';
import { vstatsHeartbeat, vstatsMetrics } from './lib/vstats.ts';
import { runSession } from './session.ts';

const DIALECT = 'vstats';
const cfg = readConfig(__ENV, DIALECT, 'ws://127.0.0.1:3001');
const keys = openKeys(cfg);
const devKey = __ENV.DEV_KEY || 'fleetwire-dev-key';
const heartbeatEveryMs = parseDurationMs(__ENV.VSTATS_HEARTBEAT || '30s', 'VSTATS_HEARTBEAT');
const agentPath = __ENV.AGENT_PATH || '/ws/agent';

export const options: Options = runOptions(cfg, DIALECT, {
  vstats_ping_rtt_ms: ['p(95)<250'],
  vstats_lifecycle_success: ['rate>0.99'],
  vstats_protocol_errors: ['count<1'],
});

const pingRtt = new Trend('vstats_ping_rtt_ms', true);
const lifecycle = new Rate('vstats_lifecycle_success');
const protocolErrors = new Counter('vstats_protocol_errors');
const metricsSent = new Counter('vstats_metrics_sent');
const serverMessages = new Counter('vstats_server_messages');

const rt = vuRuntime(cfg, DIALECT);
let host: HostModel | undefined;

export default rt.iteration(function (): void {
  const me = identity(cfg, keys, devKey);
  if ('error' in me) return idle(cfg, me.error);
  const sessionMs = rt.pace.before();
  if (!sessionMs) return;
  if (!host) host = new HostModel(me.index, `k6-vstats-${me.index}`);
  const h = host;

  runSession(rt, sessionMs, {
    url: wsUrl(cfg.baseUrl, agentPath, { token: me.key }),
    lifecycle,
    pingRtt,
    label: `vstats agent ${me.index}`,
    onOpen(s) {
      const report = () => {
        h.step(cfg.heartbeatMs / 1000);
        s.send(vstatsMetrics(h));
        metricsSent.add(1);
        s.ping();
      };
      report();
      s.send(vstatsHeartbeat());
      s.every(cfg.heartbeatMs, report);
      s.every(heartbeatEveryMs, () => s.send(vstatsHeartbeat()));
    },
    onMessage(data) {
      // The document defines nothing the server sends an agent; anything that
      // is not a JSON object with a `type` is a protocol error.
      let ok = false;
      if (typeof data === 'string') {
        try {
          const m = JSON.parse(data) as { type?: unknown } | null;
          ok = !!m && typeof m === 'object' && typeof m.type === 'string';
          if (ok) serverMessages.add(1, { type: String(m?.type) });
        } catch {
          ok = false;
        }
      }
      if (!ok) protocolErrors.add(1, { code: 'FW_PROTOCOL_MALFORMED' });
    },
  });
});

export function handleSummary(data: unknown): Record<string, string> {
  return summarize(data, DIALECT, cfg);
}
