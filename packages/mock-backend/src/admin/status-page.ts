/**
 * The live status page at / on the admin port, its bundle at /app.js and its
 * snapshot at /status.json (all public, read-only). An installed package serves
 * the app its build made (dist/browser/status-app.js, no bundler at run time);
 * running from the sources bundles status-app.ts with esbuild on first request.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { MockBackend } from '../backend.js';
import type { Route } from './http.js';

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fleetwire mock backend</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}
 .tiles{display:flex;gap:1rem;margin:1rem 0}.tiles div{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:7rem}
 .tiles b{display:block;font-size:1.6rem} table{border-collapse:collapse} td,th{padding:.2rem .8rem;border-bottom:1px solid #eee;text-align:left}
 .online{color:#187a2f}.offline{color:#a11}.maintenance{color:#a60} #events{font-family:ui-monospace,monospace;font-size:12px}
</style></head><body>
<h1>fleetwire mock backend <small id="live">connecting…</small></h1>
<div class="tiles">
 <div>online<b id="online">–</b></div><div>offline<b id="offline">–</b></div><div>maintenance<b id="maintenance">–</b></div>
 <div>heartbeats/s<b id="hbps">–</b></div><div>running rentals<b id="rentals">–</b></div>
</div>
<h2>Nodes</h2><table><thead><tr><th>node</th><th>state</th><th>reported</th></tr></thead><tbody id="nodes"></tbody></table>
<h2>Events since start</h2><ul id="events"></ul>
<script type="module" src="/app.js"></script>
</body></html>`;

let bundle: Promise<string> | null = null;

/** True when this module runs from the TypeScript sources (tests, `npm run mock`), false from dist/. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * The app built at package build time (tsup: dist/browser/status-app.js). The code
 * calling this is bundled into dist/*.js, dist/*.cjs or dist/cli/main.js, so the
 * file is beside the module or one folder up.
 */
async function prebuiltStatusApp(): Promise<string> {
  for (const rel of ['./browser/status-app.js', '../browser/status-app.js']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return readFile(p, 'utf8');
  }
  throw new Error('status page: dist/browser/status-app.js is missing from the package (it is built by `npm run build`)');
}

/** Bundles status-app.ts with esbuild (a dev dependency of the repo), so source runs always show the current code. */
async function bundleFromSource(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./status-app.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    conditions: ['source'],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** The status page's browser app (once per process): the prebuilt file from dist/, bundled on demand from src/. */
export function buildStatusApp(): Promise<string> {
  bundle ??= FROM_SOURCE ? bundleFromSource() : prebuiltStatusApp();
  bundle.catch(() => (bundle = null)); // a failure is retried on the next request
  return bundle;
}

/** Events kept for the status page's history (the newest; a page opened late still sees what happened since start). */
export const HISTORY_LIMIT = 500;

export interface HistoryItem {
  /** ms since the epoch. */
  at: number;
  event: string;
  data: unknown;
}

/** Records the control-plane stream's events since the backend started (not agent:heartbeat: it is throttled noise). */
function recordHistory(b: MockBackend): HistoryItem[] {
  const history: HistoryItem[] = [];
  b.servers.controlPlane?.bus.on('message', (m) => {
    if (m.event === 'agent:heartbeat') return;
    history.push({ at: Date.now(), event: m.event, data: m.data });
    if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
  });
  return history;
}

export function statusPageRoutes(b: MockBackend): Route[] {
  const history = recordHistory(b);
  return [
    {
      method: 'GET',
      pattern: /^\/$/,
      handler: ({ res }) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(HTML);
      },
    },
    {
      method: 'GET',
      pattern: /^\/app\.js$/,
      handler: async ({ res }) => {
        const js = await buildStatusApp();
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        res.end(js);
      },
    },
    {
      method: 'GET',
      pattern: /^\/status\.json$/,
      handler: () => {
        let heartbeats = 0;
        const nodes = [];
        const rentals = [];
        for (const n of b.state.fleet.nodes.values()) {
          heartbeats += n.heartbeats;
          nodes.push({ nodeId: n.nodeId, connection: n.connection, agentStatus: n.agentStatus });
          for (const r of n.rentals.values()) rentals.push({ rentalId: r.rentalId, nodeId: n.nodeId, state: r.state });
        }
        return { controlPlaneUrl: b.endpoints.controlPlane?.url ?? null, heartbeats, at: Date.now(), summary: b.state.fleet.summary(), nodes, rentals, history };
      },
    },
  ];
}
