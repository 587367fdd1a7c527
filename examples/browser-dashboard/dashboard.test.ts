/** The example dashboard in Debian's headless Chromium: a vstats agent that connects appears, and goes offline when it leaves. */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockBackend } from '@fleetwire/mock-backend';
import { VStatsAgent } from '@fleetwire/sdk';
import { serveDashboard } from './serve.js';
import { CHROMIUM, launchChromium, HAVE_CHROMIUM } from '../../test-support/chromium.js';

const HAVE = HAVE_CHROMIUM;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const metrics = () => ({
  hostname: 'db-1',
  os: { name: 'Debian', version: '12', kernel: '6.1', arch: 'x86_64' },
  cpu: { brand: 'EPYC', cores: 2, usage: 42.5, frequency: 2000, per_core: [40, 45] },
  memory: { total: 8 * 1048576 * 1024, used: 2 * 1048576 * 1024, available: 6 * 1048576 * 1024, swap_total: 0, swap_used: 0, usage_percent: 25 },
  disks: [],
  network: { interfaces: [{ name: 'eth0', rx: 10, tx: 20 }], total_rx: 10, total_tx: 20 },
  uptime: 100,
  load_average: { one: 0.1, five: 0.1, fifteen: 0.1 },
});

describe('examples/browser-dashboard', () => {
  it.skipIf(HAVE)(`SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`, () => {});

  it.skipIf(!HAVE)('shows a vstats server that connects, with its metrics, and marks it offline when it leaves', { timeout: 60_000 }, async () => {
    const b = await startMockBackend({ ephemeral: true, keys: ['dash-key'] });
    cleanups.push(() => b.close());
    const site = await serveDashboard(0);
    cleanups.push(() => site.close());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const vstatsBase = `ws://127.0.0.1:${b.endpoints.vstats!.port}`;
    await page.goto(`${site.url}/?vstats=${encodeURIComponent(vstatsBase)}`);
    await page.locator('#state', { hasText: /^live$/ }).waitFor({ timeout: 20_000 });

    const a = new VStatsAgent({ url: vstatsBase, token: 'dash-key', metrics, metricsIntervalMs: 60_000 });
    cleanups.push(() => a.close());
    a.connect();
    const row = page.locator('tr[data-online="true"]', { hasText: '42.5' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('10 B / 20 B'); // network figures with units, not bare numbers
    a.close();
    await page.locator('tr[data-online="false"]').waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  });
});
