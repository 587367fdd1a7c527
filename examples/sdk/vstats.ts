/**
 * vstats (plain WebSocket, `{type, data, timestamp}`): a metrics agent that
 * reports the full system report every interval, and a dashboard that keeps
 * the live map of servers.
 *
 *   npm run mock
 *   VSTATS_URL=ws://127.0.0.1:3001 npx tsx examples/sdk/vstats.ts     # token default: the mock's dev key
 */
import { VStatsAgent, VStatsDashboard, type FleetwireClient, type SystemMetricsInput, type VStatsServer } from '@fleetwire/sdk';
import { env, runIfMain } from './run-main.js';

export interface VStatsExampleConfig {
  url: string;
  /** Agent token, or a provider called on every (re)connect. */
  token: string | (() => string | Promise<string>);
  name?: string;
  metricsIntervalMs?: number;
  log?: (line: string) => void;
}

/** What an agent reports: vstats.md's full report (the SDK fills `timestamp`). */
function report(name: string): SystemMetricsInput {
  return {
    hostname: name,
    os: { name: 'linux', version: '6.1', kernel: '6.1.0', arch: 'x86_64' },
    cpu: { brand: 'Example CPU', cores: 2, usage: 12.5, frequency: 3000, per_core: [10, 15] },
    memory: { total: 16e9, used: 8e9, available: 8e9, swap_total: 0, swap_used: 0, usage_percent: 50 },
    disks: [{ name: 'sda', mount_point: '/', fs_type: 'ext4', total: 500e9, used: 200e9, available: 300e9, usage_percent: 40 }],
    network: { interfaces: [{ name: 'eth0', rx: 1e9, tx: 5e8 }], total_rx: 1e9, total_tx: 5e8 },
    uptime: 86_400,
    load_average: { one: 0.5, five: 0.4, fifteen: 0.3 },
  };
}

/** Runs a dashboard and an agent until the dashboard shows the agent's metrics; returns the server as the dashboard sees it. */
export async function runVStatsExample(cfg: VStatsExampleConfig): Promise<VStatsServer> {
  const log = cfg.log ?? console.log;
  const name = cfg.name ?? 'example-host';
  const dashboard = new VStatsDashboard({ url: cfg.url });
  const agent = new VStatsAgent({ url: cfg.url, token: cfg.token, name, metricsIntervalMs: cfg.metricsIntervalMs ?? 5000, metrics: () => report(name) });
  // Both are FleetwireClients: one type wires the connection events of any client.
  const clients: [string, FleetwireClient][] = [['dashboard', dashboard], ['agent', agent]];
  for (const [who, c] of clients) {
    c.on('error', (e) => log(`${who} error ${e.code}: ${e.message}`));
    c.on('disconnected', (d) => log(`${who} disconnected (${d.code}: ${d.reason}), retry: ${d.willRetry}`));
  }
  dashboard.on('server_added', (s) => log(`dashboard: ${s.name} added (${s.id})`));
  try {
    await dashboard.connect({ timeoutMs: 30_000 });
    const seen = new Promise<VStatsServer>((resolve) =>
      dashboard.on('metrics', (m) => {
        const s = dashboard.server(m.server_id);
        log(`dashboard: ${s?.name ?? m.server_id} cpu ${m.metrics.cpu.usage}% online ${String(s?.online)}`);
        if (s && s.name === name) resolve({ ...s });
      }),
    );
    await agent.connect({ timeoutMs: 30_000 });
    log('agent connected');
    return await seen;
  } finally {
    agent.close();
    dashboard.close();
  }
}

runIfMain(import.meta.url, () => runVStatsExample({ url: env('VSTATS_URL', 'ws://127.0.0.1:3001'), token: env('VSTATS_TOKEN', 'fleetwire-dev-key') }));
