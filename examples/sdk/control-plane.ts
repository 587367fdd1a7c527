/**
 * control-plane (plain WebSocket, push-only `{event: "category:action", data}`):
 * follow jobs until one finishes. Exact-name handlers get `(data, msg)`;
 * wildcard handlers (`job:*`, `*`) get the whole message `{event, data}`.
 *
 *   npm run mock
 *   CONTROL_PLANE_URL=ws://127.0.0.1:3000 npx tsx examples/sdk/control-plane.ts
 *   curl -H "Authorization: Bearer $ADMIN_TOKEN" -X POST http://127.0.0.1:3100/api/jobs -d '{"steps":3}'   # another terminal
 */
import { ControlPlaneEvents, type controlPlane } from '@fleetwire/sdk';
import { env, runIfMain } from './run-main.js';

export interface ControlPlaneExampleConfig {
  url: string;
  /** Optional `?token=`; a string or a provider called on every (re)connect. */
  token?: string | (() => string | Promise<string>);
  log?: (line: string) => void;
  /** Called once the stream is subscribed (the test starts its job here). */
  onReady?: () => void;
}

/** Follows job events until the first job completes, fails or is cancelled; returns every job event name seen. */
export async function runControlPlaneExample(cfg: ControlPlaneExampleConfig): Promise<string[]> {
  const log = cfg.log ?? console.log;
  const events = new ControlPlaneEvents({ url: cfg.url, ...(cfg.token !== undefined && { token: cfg.token }) });
  const seen: string[] = [];
  events.on('error', (e) => log(`error ${e.code}: ${e.message}`));
  // Exact name: the payload, typed per event.
  events.on('job:progress', (data) => log(`job ${data.jobId}: ${data.percent}% ${data.message}`));
  // Category wildcard: the whole message, { event, data }.
  const finished = new Promise<controlPlane.ControlPlaneMessage>((resolve) =>
    events.on('job:*', (msg) => {
      seen.push(msg.event);
      if (msg.event === 'job:completed' || msg.event === 'job:failed' || msg.event === 'job:cancelled') resolve(msg);
    }),
  );
  // Everything: also { event, data }.
  events.on('*', (msg) => log(`event ${msg.event}`));
  try {
    await events.connect({ timeoutMs: 30_000 });
    log('subscribed');
    cfg.onReady?.();
    const last = await finished;
    log(`job finished: ${last.event}`);
    return seen;
  } finally {
    events.close();
  }
}

runIfMain(import.meta.url, () =>
  runControlPlaneExample({ url: env('CONTROL_PLANE_URL', 'ws://127.0.0.1:3000'), ...(process.env.CONTROL_PLANE_TOKEN && { token: process.env.CONTROL_PLANE_TOKEN }) }),
);
