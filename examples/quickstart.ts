/**
 * `npm start` (for now): the mock backend and one real agent, on this machine.
 * Shows a connect, heartbeats with their acks, and a rental lifecycle request.
 * Ctrl-C stops both. QUICKSTART_SECONDS=N stops after N seconds.
 */
import { startMockBackend, consoleLogger } from '@fleetwire/mock-backend';
import { createNodeAgent } from './node-agent/agent.js';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  let backend;
  try {
    backend = await startMockBackend({ fleetPort: port, logger: consoleLogger });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    console.log(`[quickstart] port ${port} is busy; using an ephemeral port`);
    backend = await startMockBackend({ fleetPort: 0, logger: consoleLogger });
  }
  console.log(`[quickstart] mock backend: fleet dialect on ${backend.fleetUrl}/fleet (key: ${backend.keys.list().join(', ')})`);

  const agent = createNodeAgent(
    { url: backend.fleetUrl, apiKey: backend.keys.list()[0]!, nodeId: 'quickstart-node', heartbeatIntervalMs: 2000, docker: false, sshHost: 'localhost' },
    (l) => console.log(`[agent] ${l}`),
  );
  agent.connect();

  const shutdown = async () => {
    agent.close();
    await backend.close();
    console.log('[quickstart] stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  const seconds = Number(process.env.QUICKSTART_SECONDS ?? 0);
  if (seconds > 0) setTimeout(() => void shutdown(), seconds * 1000);
}

void main();
