/**
 * The SDK in a hardened page: headless Chromium loads a page served with
 * `Content-Security-Policy: script-src 'self'` (no 'unsafe-eval') whose script
 * is built from the SDK for the browser, and it receives live control-plane
 * events from the mock backend. Before the validators were generated ahead of
 * time, TypeBox's compiler called `new Function` at import and the page died
 * with an EvalError. The page also proves the policy is enforced (its own
 * `new Function` is blocked) and that validation explanations work.
 */
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockBackend } from '@fleetwire/mock-backend';
import { CHROMIUM, launchChromium, HAVE_CHROMIUM } from '../../../test-support/chromium.js';

const HAVE = HAVE_CHROMIUM;
const CSP = "script-src 'self'";
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const HTML = `<!doctype html><meta charset="utf-8"><title>fleetwire under CSP</title>
<p>state: <b id="state">idle</b> · eval: <b id="eval">?</b></p>
<pre id="explain"></pre><pre id="errors"></pre><ul id="events"></ul>
<script type="module" src="/app.js"></script>`;

/** Serves the page and its bundled script, every response with the CSP header. Port 0. */
async function servePage(appJs: string) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const [type, body] = path === '/app.js' ? ['text/javascript', appJs] : path === '/' ? ['text/html', HTML] : [null, 'not found'];
    res.writeHead(type ? 200 : 404, { 'content-type': `${type ?? 'text/plain'}; charset=utf-8`, 'content-security-policy': CSP });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('the SDK under Content-Security-Policy: script-src \'self\'', () => {
  it.skipIf(HAVE)(`SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`, () => {});

  it.skipIf(!HAVE)('loads in headless Chromium and receives live control-plane events from the mock', { timeout: 90_000 }, async () => {
    const bundled = await build({
      entryPoints: [fileURLToPath(new URL('./fixtures/csp-page/app.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      conditions: ['source'],
      logLevel: 'silent',
    });
    const site = await servePage(bundled.outputFiles[0]!.text);
    const b = await startMockBackend({ ephemeral: true });
    cleanups.push(() => b.close());
    const cp = b.servers.controlPlane!;

    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && !/Content Security Policy.*'unsafe-eval'/.test(m.text()) && problems.push(`console: ${m.text()}`));
    const response = await page.goto(`${site}/?cp=${encodeURIComponent(`http://127.0.0.1:${b.endpoints.controlPlane!.port}`)}`);
    expect(response?.headers()['content-security-policy']).toBe(CSP);

    await page.locator('#state', { hasText: /^connected$/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('#eval').textContent()).toBe('blocked'); // the policy is in force
    expect(await page.locator('#explain').textContent()).toMatch(/\/data\/jobId: Expected string/);

    cp.bus.systemError('CSP_OK', 'hello from the mock', { via: 'control-plane' });
    cp.jobs.createJob({ steps: 2, stepMs: 5, result: { ok: true } });
    await page.locator('#events li', { hasText: 'system:error' }).waitFor({ timeout: 15_000 });
    await page.locator('#events li', { hasText: 'job:completed' }).waitFor({ timeout: 15_000 });
    const seen = await page.locator('#events li').allTextContents();
    expect(seen.find((t) => t.startsWith('system:error'))).toContain('hello from the mock');
    expect(seen.map((t) => t.split(' ')[0])).toEqual(expect.arrayContaining(['job:created', 'job:progress', 'job:completed']));
    expect(await page.locator('#errors').textContent()).toBe('');
    expect(problems).toEqual([]);
  });
});
