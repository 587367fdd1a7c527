/**
 * k6 load test: `monitor` server agents (docs/protocols/monitor.md).
 *
 * Each VU is one agent: connects to /api/v1/agents/ws, authenticates with its
 * API key (first message), then sends metrics every HEARTBEAT_INTERVAL and
 * answers `command` / `docker_command` like the real agent. Metrics are not
 * acked by this dialect, so the latency measured per beat is the WebSocket
 * ping RTT sent alongside it; the auth round trip is measured separately.
 *
 *   k6 run loadtests/monitor.ts
 *   k6 run -e BASE_URL=wss://monitor.example.com -e AGENTS=500 -e KEYS_FILE=keys.txt loadtests/monitor.ts
 *
 * Env: BASE_URL (ws://127.0.0.1:8000), AGENTS, DURATION, RAMP, HEARTBEAT_INTERVAL (5s),
 * ACK_TIMEOUT (10s, for auth), KEYS_FILE, DEV_KEY (fleetwire-dev-key), AGENT_PATH
 * (/api/v1/agents/ws), SHARD_INDEX/SHARD_COUNT, THRESHOLDS, SUMMARY_JSON.
 */
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { idle, identity, openKeys, runOptions, summarize, vuRuntime } from './common.ts';
import { readConfig, wsUrl } from './lib/config.ts';
import { HostModel } from './lib/host.ts';
import { monitorAuth, monitorCommandResponse, monitorDockerResponse, monitorMetrics, readMonitorMessage } from './lib/monitor.ts';
import { runSession } from './session.ts';

const DIALECT = 'monitor';
const cfg = readConfig(__ENV, DIALECT, 'ws://127.0.0.1:8000');
const keys = openKeys(cfg);
const devKey = __ENV.DEV_KEY || 'fleetwire-dev-key';
const url = wsUrl(cfg.baseUrl, __ENV.AGENT_PATH || '/api/v1/agents/ws');

export const options: Options = runOptions(cfg, DIALECT, {
  monitor_auth_ms: ['p(95)<500'],
  monitor_ping_rtt_ms: ['p(95)<250'],
  monitor_lifecycle_success: ['rate>0.99'],
  monitor_protocol_errors: ['count<1'],
});

const authMs = new Trend('monitor_auth_ms', true);
const pingRtt = new Trend('monitor_ping_rtt_ms', true);
const lifecycle = new Rate('monitor_lifecycle_success');
const protocolErrors = new Counter('monitor_protocol_errors');
const metricsSent = new Counter('monitor_metrics_sent');
const commands = new Counter('monitor_commands');

const rt = vuRuntime(cfg, DIALECT);
let host: HostModel | undefined;

export default rt.iteration(function (): void {
  const me = identity(cfg, keys, devKey);
  if ('error' in me) return idle(cfg, me.error);
  const sessionMs = rt.pace.before();
  if (!sessionMs) return;
  if (!host) host = new HostModel(me.index, `k6-monitor-${me.index}`);
  const h = host;
  let serverId = '';
  let authSentAt = 0;

  runSession(rt, sessionMs, {
    url,
    lifecycle,
    pingRtt,
    label: `monitor agent ${me.index}`,
    onOpen(s) {
      authSentAt = Date.now();
      s.send(monitorAuth(me.key));
      s.after(cfg.ackTimeoutMs, () => {
        if (serverId || s.ended) return;
        lifecycle.add(false, { step: 'auth' });
        s.end(false, `no auth_success within ${cfg.ackTimeoutMs} ms`);
      });
    },
    onMessage(data, s) {
      const r = readMonitorMessage(data);
      if (!r.ok) {
        protocolErrors.add(1, { code: 'FW_PROTOCOL_INVALID' });
        console.warn(`monitor agent ${me.index}: ${r.error}`);
        return;
      }
      const msg = r.msg;
      switch (msg.type) {
        case 'auth_success': {
          if (serverId) return;
          serverId = msg.server_id;
          authMs.add(Date.now() - authSentAt);
          lifecycle.add(true, { step: 'auth' });
          const beat = () => {
            h.step(cfg.heartbeatMs / 1000);
            s.send(monitorMetrics(serverId, h));
            metricsSent.add(1);
            s.ping();
          };
          beat();
          s.every(cfg.heartbeatMs, beat);
          return;
        }
        case 'command':
          commands.add(1, { command: 'command' });
          s.send(monitorCommandResponse(msg.command_id, msg.command));
          return;
        case 'docker_command':
          commands.add(1, { command: 'docker_command' });
          s.send(monitorDockerResponse(msg.command_id, msg.action, msg.container_id));
          return;
        case 'error':
          // Before auth an error means the key was refused: final, no retry loop.
          if (!serverId) {
            lifecycle.add(false, { step: 'auth' });
            s.end(false, `auth refused: ${msg.message}`, true);
          } else {
            protocolErrors.add(1, { code: 'FW_REMOTE_ERROR' });
            console.warn(`monitor agent ${me.index}: server error: ${msg.message}`);
          }
          return;
      }
    },
  });
});

export function handleSummary(data: unknown): Record<string, string> {
  return summarize(data, DIALECT, cfg);
}
