/**
 * A real fleet agent you can copy: reports this machine's metrics to a control
 * plane over the fleet dialect and logs what it does.
 *
 *   FLEETWIRE_URL=http://127.0.0.1:3000 FLEETWIRE_API_KEY=… npm run agent
 *
 * See ENV_HELP in config.ts for every variable.
 */
import { FleetAgent, type FleetAgentOptions } from '@fleetwire/sdk';
import { configFromEnv, ENV_HELP, type AgentConfig } from './config.js';
import { createSystemMetricsProvider } from './system-metrics.js';
import { dockerHandlers } from './docker.js';

export type Log = (line: string) => void;

/** Builds the agent and wires its events to `log`. Call `.connect()` on the result. */
export function createNodeAgent(config: AgentConfig, log: Log = console.log, over: Partial<FleetAgentOptions> = {}): FleetAgent {
  const metrics = createSystemMetricsProvider();
  const handlers = config.docker
    ? dockerHandlers(config.sshHost)
    : {
        onStartInstance: () => {
          throw new Error('this agent runs no containers (start it with FLEETWIRE_DOCKER=1 to use the docker CLI)');
        },
        onStopInstance: () => ({ reason: 'requested' as const }),
      };
  const agent = new FleetAgent({
    url: config.url,
    apiKey: config.apiKey,
    nodeId: config.nodeId,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    metrics,
    ...handlers,
    ...over,
  });
  let beats = 0;
  agent.on('state', (t) => log(`state ${t.from} → ${t.to} (${t.code}: ${t.reason})`));
  agent.on('reconnecting', ({ delayMs, attempt }) => log(`reconnecting in ${delayMs} ms (attempt ${attempt})`));
  agent.on('heartbeat', (hb) => {
    beats++;
    const m = hb.metrics;
    const gpu = m.gpuUtilization.length ? ` gpu ${m.gpuUtilization.join('/')}%` : '';
    log(`heartbeat #${beats} status=${hb.status} cpu ${m.cpuUsagePercent}%${m.cpuTemp !== undefined ? ` ${m.cpuTemp}°C` : ''} ram ${m.ramUsageMb}/${m.ramTotalMb} MB disk ${m.diskUsageGb}/${m.diskTotalGb} GB net ↓${m.networkRxMbps} ↑${m.networkTxMbps} Mbps${gpu}`);
  });
  agent.on('heartbeat_ack', ({ rttMs }) => log(`  ack {success:true} in ${rttMs.toFixed(1)} ms`));
  agent.on('start_instance', (c) => log(`start_instance rental=${c.rentalId} image=${c.image}`));
  agent.on('stop_instance', (c) => log(`stop_instance rental=${c.rentalId} container=${c.containerId}`));
  agent.on('drain_node', (c) => log(`drain_node: ${c.reason ?? 'no reason given'} — refusing new rentals`));
  agent.on('drained', () => log('drained: reporting maintenance'));
  agent.on('delivered', (event, p) => log(`${event} rental=${p.rentalId} acknowledged`));
  agent.on('error', (e) => log(`error ${e.code}: ${e.message}`));
  return agent;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`fleetwire example node agent\n\n${ENV_HELP}`);
    return;
  }
  // Configuration is by environment only: a flag would otherwise be silently ignored (e.g. --url).
  if (args.length > 0) {
    console.error(`node-agent: unknown argument${args.length > 1 ? 's' : ''} ${args.join(' ')} (configure with environment variables; --help lists them)`);
    process.exit(2);
  }
  const config = configFromEnv();
  if ('error' in config) {
    console.error(`node-agent: ${config.error}\n\n${ENV_HELP}`);
    process.exit(2);
  }
  const log: Log = (l) => console.log(`${new Date().toISOString()} [${config.nodeId}] ${l}`);
  log(`connecting to ${config.url} (containers: ${config.docker ? 'docker CLI' : 'refused'})`);
  const agent = createNodeAgent(config, log);
  agent.on('state', (t) => {
    if (t.to === 'closed' && t.code !== 'CLOSE_CALLED') process.exitCode = 1;
  });
  const stop = () => {
    log('shutting down');
    agent.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  agent.connect();
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
