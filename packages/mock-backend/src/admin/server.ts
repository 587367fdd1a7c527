/**
 * The admin port: JSON API under /api (bearer token required), and the public,
 * read-only views: / (live status page), /app.js (its bundle), /metrics
 * (Prometheus), /healthz. Read-only views stay public so a browser tab and a
 * Prometheus scrape work without configuration; everything that changes state
 * needs the token.
 */
import { DEFAULT_BACKLOG } from '../http-host.js';
import { createServer, type Server } from 'node:http';
import { ErrorCodes } from '@fleetwire/sdk';
import type { MockBackend } from '../backend.js';
import { HttpError, hasBearer, readJson, sendError, sendJson, type Route } from './http.js';
import { fleetRoutes } from './fleet-routes.js';
import { faultRoutes } from './fault-routes.js';
import { statusPageRoutes } from './status-page.js';
import { dialectRoutes } from './dialect-routes.js';
import { messageRoutes } from './message-routes.js';
import { OPENAPI } from './openapi.js';

export interface AdminOptions {
  port: number;
  host: string;
  token: string;
  /** Accept-queue length. Default 4096 (DEFAULT_BACKLOG). */
  backlog?: number;
}

export interface AdminServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Every route under /api, in match order (the OpenAPI document lists exactly these). */
export function apiRoutesOf(backend: MockBackend): Route[] {
  return [...fleetRoutes(backend), ...messageRoutes(backend), ...dialectRoutes(backend), ...faultRoutes(backend)];
}

export async function startAdmin(backend: MockBackend, opts: AdminOptions): Promise<AdminServer> {
  const publicRoutes: Route[] = [
    ...statusPageRoutes(backend),
    {
      method: 'GET',
      pattern: /^\/metrics$/,
      handler: async ({ res }) => {
        const text = await backend.metrics.text();
        res.writeHead(200, { 'content-type': backend.metrics.contentType });
        res.end(text);
      },
    },
    { method: 'GET', pattern: /^\/healthz$/, handler: () => ({ ok: true }) },
    // The admin API's description (public: it holds no secrets; the routes it lists need the token).
    { method: 'GET', pattern: /^\/openapi\.json$/, handler: () => OPENAPI },
  ];
  const apiRoutes: Route[] = apiRoutesOf(backend);

  const server = createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    try {
      // Inside the try: a request line no URL parser accepts is a 400, not an unhandled rejection.
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://admin');
      } catch {
        throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, 'request target is not a valid URL');
      }
      const isApi = url.pathname.startsWith('/api/');
      if (isApi && !hasBearer(req, opts.token)) {
        throw new HttpError(401, ErrorCodes.FW_AUTH_REJECTED, 'admin API needs Authorization: Bearer <admin token> (printed by fleetwire-mock at start)');
      }
      const routes = isApi ? apiRoutes : publicRoutes;
      let pathMatched = false;
      for (const r of routes) {
        const m = r.pattern.exec(url.pathname);
        if (!m) continue;
        pathMatched = true;
        if (r.method !== method) continue;
        const params = m.slice(1).map(decodeParam);
        const out = await r.handler({ req, res, params, url, body: () => readJson(req) });
        if (!res.headersSent && out !== undefined) sendJson(res, 200, out);
        return;
      }
      throw pathMatched
        ? new HttpError(405, ErrorCodes.FW_INVALID_ARGUMENT, `${method} not allowed on ${url.pathname}`)
        : new HttpError(404, ErrorCodes.FW_INVALID_ARGUMENT, `no route ${method} ${url.pathname} (see the mock-backend README for the admin API)`);
    } catch (err) {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, opts.backlog ?? DEFAULT_BACKLOG, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const h = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    port,
    url: `http://${h}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A path segment, percent-decoded; a broken escape (`%E0%A4%A`) is the client's mistake: 400, not 500 "URI malformed". */
function decodeParam(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `bad percent-encoding in the path segment ${JSON.stringify(p.slice(0, 100))}`);
  }
}
