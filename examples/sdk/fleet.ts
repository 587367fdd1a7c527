/**
 * fleet (Socket.IO): a GPU host agent. Heartbeats every 5 s with metrics,
 * starts and stops "containers" on the control plane's command, and reports
 * them as acked lifecycle events — the SSH connection info derived from the
 * command by the SDK (`sshHost` given once).
 *
 *   npm run mock                                    # another terminal
 *   FLEET_URL=http://127.0.0.1:3000 NODE_ID=gpu-1 npx tsx examples/sdk/fleet.ts
 *   (API key default: the mock's dev key for the node, dev-gpu-1)
 */
import { FleetAgent, type fleet } from '@fleetwire/sdk';
import { env, runIfMain } from './run-main.js';

export interface FleetExampleConfig {
  url: string;
  nodeId: string;
  /** A string, or a function called on every (re)connect (key rotation). */
  apiKey: string | (() => string | Promise<string>);
  sshHost: string;
  log?: (line: string) => void;
}

/** Connects a FleetAgent and resolves once the control plane accepted it. */
export async function startFleetAgent(cfg: FleetExampleConfig): Promise<FleetAgent> {
  const log = cfg.log ?? console.log;
  let containers = 0;
  const agent = new FleetAgent({
    url: cfg.url,
    nodeId: cfg.nodeId,
    apiKey: cfg.apiKey,
    sshHost: cfg.sshHost,
    // Called before every heartbeat; sync or async. Every field of fleet.md's heartbeat is required.
    metrics: (): fleet.FleetMetrics => ({
      cpuTemp: 45.5,
      cpuUsagePercent: 35,
      gpuTemp: [60, 58],
      gpuUtilization: [80, 10],
      gpuMemoryUsedMb: [12000, 2000],
      ramUsageMb: 32000,
      ramTotalMb: 65536,
      diskUsageGb: 500,
      diskTotalGb: 2000,
      networkRxMbps: 125.5,
      networkTxMbps: 45.2,
    }),
    // Start the container (here: pretend). connectionInfo is derived from cmd.proxyPortMapping + sshHost.
    onStartInstance: async (cmd) => ({ containerId: `ctr-${cmd.rentalId}-${++containers}` }),
    onStopInstance: async () => ({ reason: 'requested' }),
  });
  agent.on('state', (t) => log(`state ${t.from} → ${t.to} (${t.code})`));
  agent.on('reconnecting', (r) => log(`retry ${r.attempt} in ${r.delayMs} ms: ${r.reason}`));
  agent.on('error', (e) => log(`error ${e.code}: ${e.message}`));
  agent.on('heartbeat_ack', ({ rttMs }) => log(`heartbeat acked in ${rttMs.toFixed(1)} ms`));
  agent.on('instance_started', (e) => log(`started ${e.rentalId} as ${e.containerId}, ssh ${e.connectionInfo.sshHost}:${e.connectionInfo.sshPort}`));
  agent.on('instance_stopped', (e) => log(`stopped ${e.rentalId} (${e.reason})`));
  agent.on('delivered', (event, p) => log(`${event} ${p.rentalId} acknowledged`));
  await agent.connect({ timeoutMs: 30_000 });
  log(`connected as ${agent.nodeId}`);
  return agent;
}

runIfMain(import.meta.url, async () => {
  const nodeId = env('NODE_ID', 'gpu-1');
  const agent = await startFleetAgent({
    url: env('FLEET_URL', 'http://127.0.0.1:3000'),
    nodeId,
    apiKey: env('FLEET_API_KEY', `dev-${nodeId}`),
    sshHost: env('SSH_HOST', 'proxy.example.com'),
  });
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  agent.close();
});
