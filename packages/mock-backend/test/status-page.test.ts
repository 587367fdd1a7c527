/**
 * The live status page end to end in Debian's headless Chromium: it loads,
 * shows a FleetAgent that connects, and updates when that agent disconnects —
 * the updates arriving through the SDK's ControlPlaneEvents bundled for the browser.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startMockBackend } from '@fleetwire/mock-backend';
import { fleetAgent } from './admin-helpers.js';
import { CHROMIUM, launchChromium, HAVE_CHROMIUM } from '../../../test-support/chromium.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const HAVE = HAVE_CHROMIUM;

describe('status page in headless Chromium', () => {
  it.skipIf(HAVE)(`SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium)`, () => {});

  it.skipIf(!HAVE)('loads, shows a node that connects, and marks it offline when it disconnects', { timeout: 60_000 }, async () => {
    const b = await startMockBackend({ ephemeral: true, keys: ['page-key'] });
    cleanups.push(() => b.close());
    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(b.adminUrl!);
    await page.locator('#live', { hasText: /^live$/ }).waitFor({ timeout: 20_000 });
    expect(await page.textContent('#online')).toBe('0');

    const a = fleetAgent(b.fleetUrl, 'page-key', 'gpu-host-7');
    cleanups.push(() => a.close());
    a.connect();
    const row = page.locator('tr[data-node="gpu-host-7"]');
    await row.and(page.locator('[data-state="online"]')).waitFor({ timeout: 10_000 });
    expect(await page.textContent('#online')).toBe('1');
    await page.locator('#events li', { hasText: 'gpu-host-7 online' }).waitFor();

    await a.close();
    await row.and(page.locator('[data-state="offline"]')).waitFor({ timeout: 10_000 });
    expect(await page.textContent('#online')).toBe('0');
    expect(await page.textContent('#offline')).toBe('1');
    await page.locator('#events li', { hasText: 'gpu-host-7 offline' }).waitFor();
    await page.locator('#hbps', { hasText: /^\d+\.\d$/ }).waitFor({ timeout: 5000 }); // needs two snapshots, 1 s apart
    expect(pageErrors).toEqual([]);
  });

  it.skipIf(!HAVE)('a page opened late shows the events since the backend started, not only since it loaded', { timeout: 60_000 }, async () => {
    const b = await startMockBackend({ ephemeral: true, keys: ['page-key'] });
    cleanups.push(() => b.close());
    // Before any page exists: a node comes and goes, a job runs, a system error is published.
    const a = fleetAgent(b.fleetUrl, 'page-key', 'early-node');
    a.connect();
    await new Promise<void>((resolve) => b.state.fleet.once('node:online', () => resolve()));
    await a.close();
    b.servers.controlPlane!.bus.systemError('EARLY_ERROR', 'before the page');
    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(b.adminUrl!);
    for (const text of ['early-node online', 'early-node offline', 'system error EARLY_ERROR: before the page']) {
      await page.locator('#events li', { hasText: text }).waitFor({ timeout: 20_000 });
    }
  });
});
