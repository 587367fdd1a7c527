/**
 * monitor (plain WebSocket, `{type}`): a server agent that authenticates with
 * its API key, sends metrics every 5 s and answers `command`s, and a dashboard
 * stream that follows that server's metrics with a JWT.
 *
 *   npm run mock
 *   MONITOR_URL=http://127.0.0.1:8000 MONITOR_TOKEN=<JWT from POST /api/monitor/tokens> npx tsx examples/sdk/monitor.ts
 *   (API key default: dev-srv-1, which the dev mock authenticates as server_id srv-1)
 */
import { MonitorAgent, MonitorMetricsStream, type monitor } from '@fleetwire/sdk';
import { env, runIfMain } from './run-main.js';

export interface MonitorExampleConfig {
  url: string;
  apiKey: string;
  /** Dashboard JWT, or a provider called on every (re)connect (refresh). */
  token: string | (() => string | Promise<string>);
  /** Metrics messages the dashboard waits for before the program ends. Default 2. */
  samples?: number;
  metricsIntervalMs?: number;
  log?: (line: string) => void;
}

/** Runs agent + dashboard until the dashboard saw `samples` metrics; returns them. */
export async function runMonitorExample(cfg: MonitorExampleConfig): Promise<monitor.FrontendMetricsData[]> {
  const log = cfg.log ?? console.log;
  const agent = new MonitorAgent({
    url: cfg.url,
    apiKey: cfg.apiKey,
    metricsIntervalMs: cfg.metricsIntervalMs ?? 5000,
    metrics: () => ({
      cpu_percent: 45.2,
      memory_percent: 62.5,
      disk_usage: [{ mount: '/', total_bytes: 500e9, used_bytes: 200e9, percent: 40 }],
      network: [{ interface: 'eth0', rx_bytes: 1e9, tx_bytes: 5e8 }],
    }),
    // The SDK never runs a command itself: you decide what a command does.
    onCommand: async (cmd) => ({ output: `would run: ${cmd.command}\n`, exit_code: 0 }),
  });
  agent.on('error', (e) => log(`agent error ${e.code}: ${e.message}`));
  try {
    await agent.connect({ timeoutMs: 30_000 });
    const serverId = agent.serverId!;
    log(`agent authenticated as ${serverId}`);

    const stream = new MonitorMetricsStream({ url: cfg.url, serverId, token: cfg.token });
    stream.on('error', (e) => log(`dashboard error ${e.code}: ${e.message}`));
    const got: monitor.FrontendMetricsData[] = [];
    const done = new Promise<void>((resolve) =>
      stream.on('metrics', (m) => {
        got.push(m);
        log(`dashboard: cpu ${m.cpu_percent}% mem ${m.memory_percent}% at ${m.timestamp ?? '?'}`);
        if (got.length >= (cfg.samples ?? 2)) resolve();
      }),
    );
    stream.on('alert', (a) => log(`dashboard alert: ${a.message}`));
    // Resolves once the token is accepted (monitor has no auth reply for dashboards: see the SDK README).
    await stream.connect({ timeoutMs: 30_000 });
    log('dashboard token accepted');
    await done;
    stream.close();
    return got;
  } finally {
    agent.close();
  }
}

runIfMain(import.meta.url, () =>
  runMonitorExample({
    url: env('MONITOR_URL', 'http://127.0.0.1:8000'),
    apiKey: env('MONITOR_API_KEY', 'dev-srv-1'),
    token: env('MONITOR_TOKEN'),
  }),
);
