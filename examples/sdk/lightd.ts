/**
 * lightd (plain WebSocket, `{event}`): a container console. Opens the console
 * with a token (a provider, so an expired or single-use token is replaced on
 * reconnect), starts the container, sends a command, prints console output
 * and state changes, and fetches the historical logs.
 *
 *   npm run mock
 *   curl -H "Authorization: Bearer $ADMIN_TOKEN" -X POST http://127.0.0.1:3100/api/lightd/containers -d '{"internalId":"my-server-001"}'
 *   LIGHTD_URL=http://127.0.0.1:8070 INTERNAL_ID=my-server-001 LIGHTD_TOKEN=<POST /api/lightd/tokens> npx tsx examples/sdk/lightd.ts
 */
import { LightdConsole } from '@fleetwire/sdk';
import { env, runIfMain } from './run-main.js';

export interface LightdExampleConfig {
  url: string;
  internalId: string;
  /** A token, or a provider asked on every (re)connect — needed for single-use and expiring tokens. */
  token: string | (() => string | Promise<string>);
  command?: string;
  log?: (line: string) => void;
}

/** Starts the container, runs one command, returns the console lines seen and the logs. */
export async function runLightdExample(cfg: LightdExampleConfig): Promise<{ console: string[]; states: string[]; logs: string }> {
  const log = cfg.log ?? console.log;
  const c = new LightdConsole({ url: cfg.url, internalId: cfg.internalId, token: cfg.token });
  const lines: string[] = [];
  const states: string[] = [];
  c.on('error', (e) => log(`error ${e.code}: ${e.message}`));
  c.on('console', (data) => (lines.push(data), log(`console: ${data.trimEnd()}`)));
  c.on('stats', (s) => log(`stats: ${JSON.stringify(s)}`));
  const running = new Promise<void>((resolve) =>
    c.on('container_state', ({ from, to }) => {
      states.push(to);
      log(`state ${from ?? '-'} → ${to}`);
      if (to === 'running') resolve();
    }),
  );
  try {
    await c.connect({ timeoutMs: 30_000 });
    log(`console of ${c.internalId} open`);
    if (c.containerState !== 'running') c.power('start');
    await running;
    const echoed = new Promise<void>((resolve) => c.on('console', () => resolve()));
    c.sendCommand(cfg.command ?? 'say hello');
    await echoed;
    const logs = await c.requestLogs();
    log(`logs: ${logs.length} characters`);
    return { console: lines, states, logs };
  } finally {
    c.close();
  }
}

runIfMain(import.meta.url, () =>
  runLightdExample({
    url: env('LIGHTD_URL', 'http://127.0.0.1:8070'),
    internalId: env('INTERNAL_ID'),
    token: env('LIGHTD_TOKEN'),
  }),
);
