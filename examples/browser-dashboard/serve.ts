/**
 * `npm run dashboard`: bundles main.ts for the browser (esbuild) and serves the
 * page on http://127.0.0.1:8080 (PORT to change). Point it at a vstats server
 * with ?vstats=ws://host:port; `npm run mock` serves one on 3001.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Bundles the page's script; the test uses the same function. */
export async function bundleDashboard(): Promise<string> {
  const out = await build({ entryPoints: [here('./main.ts')], bundle: true, platform: 'browser', format: 'esm', write: false, minify: true, conditions: ['source'], logLevel: 'silent' });
  return out.outputFiles[0]!.text;
}

/** Serves index.html and main.js; resolves with the URL and a close(). */
export async function serveDashboard(port = 8080): Promise<{ url: string; close(): Promise<void> }> {
  const [html, js] = await Promise.all([readFile(here('./index.html'), 'utf8'), bundleDashboard()]);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (path === '/main.js') res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const actual = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${actual}`, close: () => new Promise((r) => server.close(() => r())) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`dashboard: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  const { url } = await serveDashboard(port);
  console.log(`vstats dashboard on ${url}/?vstats=ws://127.0.0.1:3001  (Ctrl-C stops)`);
}
