/**
 * The packages as a user installs them: built, packed with `npm pack` and
 * installed from the tarballs into a scratch folder outside the repository
 * (consumer.ts). Everything below runs there, against node_modules/@fleetwire/*,
 * never against the sources. FW_KEEP_CONSUMER=1 keeps the scratch folder for a look.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES, ROOT, packAndInstall, sh, type Consumer } from './consumer.js';
import { HAVE_CHROMIUM, launchChromium } from '../../test-support/chromium.js';

const NAMES = Object.values(PACKAGES);
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
let c: Consumer;

beforeAll(async () => {
  c = await packAndInstall();
  for (const f of ['use.ts', 'use-cjs.cts', 'tsconfig.bundler.json', 'tsconfig.node16.json', 'load.mjs']) {
    await cp(join(ROOT, 'test/pack/fixtures', f), join(c.dir, f));
  }
}, 900_000);

afterAll(async () => {
  if (c && !process.env.FW_KEEP_CONSUMER) await rm(c.dir, { recursive: true, force: true });
});

/** Loads every exports entry with import and require, in a node process in the consumer folder. */
async function loadAll(names: readonly string[] = NAMES): Promise<Record<string, { esm: string[] | { error: string }; cjs: string[] | { error: string } }>> {
  return JSON.parse(await sh(process.execPath, ['load.mjs', ...names], c.dir)) as never;
}

/** msw is an optional peer: the scratch install has none until a check links the repo's copy in. */
async function linkMsw(): Promise<void> {
  const at = join(c.dir, 'node_modules', 'msw');
  if (!existsSync(at)) await symlink(join(ROOT, 'node_modules', 'msw'), at, 'dir');
}

describe('packed tarballs installed into an empty project', { timeout: 300_000 }, () => {
  it('ship LICENSE, the built status page and no tests; no msw comes along', async () => {
    for (const [dir, tgz] of Object.entries(c.tarballs)) {
      const files = (await sh('tar', ['-tzf', tgz], c.dir)).split('\n').filter(Boolean);
      expect(files, dir).toContain('package/LICENSE');
      expect(files.filter((f) => /\.test(-d)?\.ts$/.test(f)), dir).toEqual([]);
    }
    const mock = (await sh('tar', ['-tzf', c.tarballs['mock-backend']], c.dir)).split('\n');
    expect(mock).toContain('package/dist/browser/status-app.js');
    // msw is an optional peer of the mock backend: installing all three does not bring it.
    expect(existsSync(join(c.dir, 'node_modules', 'msw'))).toBe(false);
  });

  it('every exports entry loads with ESM import and CommonJS require, with the same names; /msw without msw says what to install', async () => {
    const without = await loadAll();
    for (const kind of ['esm', 'cjs'] as const) {
      expect(without['@fleetwire/mock-backend/msw']![kind], kind).toEqual({ error: expect.stringMatching(/needs msw 2.*npm install --save-dev msw/) });
    }
    await linkMsw();
    const r = { ...without, ...(await loadAll(['@fleetwire/mock-backend'])) };
    expect(Object.keys(r).sort()).toEqual(['@fleetwire/mock-backend', '@fleetwire/mock-backend/msw', '@fleetwire/sdk', '@fleetwire/simulator', '@fleetwire/simulator/report.schema.json']);
    for (const [spec, { esm, cjs }] of Object.entries(r)) {
      expect(Array.isArray(esm) ? esm.length : esm, `${spec} (import)`).toBeGreaterThan(0);
      expect(cjs, `${spec} (require)`).toEqual(esm);
    }
    expect(r['@fleetwire/sdk']!.esm).toContain('FleetAgent');
    expect(r['@fleetwire/mock-backend']!.esm).toContain('startMockBackend');
    expect(r['@fleetwire/mock-backend/msw']!.esm).toContain('createMswHandlers');
    expect(r['@fleetwire/simulator']!.esm).toContain('runSimulation');
    // Internals stay internal: TypeBox's builders in the SDK, the report's name tables in the simulator.
    for (const n of ['Type', 'compile']) expect(r['@fleetwire/sdk']!.esm).not.toContain(n);
    for (const n of ['C', 'G', 'H']) expect(r['@fleetwire/simulator']!.esm).not.toContain(n);
  });

  it('a strict TypeScript consumer compiles (moduleResolution bundler and node16, ESM and CommonJS, no skipLibCheck)', async () => {
    const tsc = (mode: string) => sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${mode}.json`], c.dir).catch((e: Error) => e.message);
    const [bundler, node16] = await Promise.all([tsc('bundler'), tsc('node16')]);
    expect(bundler, 'bundler').toBe('');
    expect(node16, 'node16').toBe('');
  });

  it('@arethetypeswrong/cli finds no problems in any tarball', async () => {
    const outs = await Promise.all(Object.values(c.tarballs).map((tgz) => sh(bin('attw'), [tgz, '--format', 'ascii'], c.dir).catch((e: Error) => e.message)));
    for (const [i, dir] of Object.keys(c.tarballs).entries()) expect(outs[i], dir).toMatch(/No problems found/);
  });

  it('publint reports no errors, warnings or suggestions', async () => {
    for (const name of NAMES) {
      const out = await sh(bin('publint'), ['run', join(c.dir, 'node_modules', name), '--pack', 'false', '--strict'], c.dir).catch((e: Error) => e.message);
      expect(out, name).not.toMatch(/Errors:|Warnings:|Suggestions:/);
      expect(out, name).toMatch(/All good/);
    }
  });

  it('fleetwire-mock --help and fleetwire-sim --help run from the installed bins', async () => {
    const mock = await sh(join(c.dir, 'node_modules/.bin/fleetwire-mock'), ['--help'], c.dir);
    expect(mock).toMatch(/fleetwire-mock \[options\]/);
    const sim = await sh(join(c.dir, 'node_modules/.bin/fleetwire-sim'), ['--help'], c.dir);
    expect(sim).toMatch(/fleetwire-sim/);
  });

  it('ws: no copy of our own; only the second copy socket.io-client pins', async () => {
    // engine.io (the Socket.IO server) needs ws ^8.23 and engine.io-client ~8.21: an install
    // holding both always has two copies. Ours must add none (one range for all three packages).
    const lock = JSON.parse(await readFile(join(c.dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const copies = Object.keys(lock.packages).filter((k) => /(^|\/)node_modules\/ws$/.test(k)).sort();
    expect(copies.filter((k) => k !== 'node_modules/ws' && k !== 'node_modules/engine.io-client/node_modules/ws')).toEqual([]);
  });

  it.skipIf(!HAVE_CHROMIUM)("the installed mock's status page renders live data in headless Chromium", async () => {
    const cleanups: (() => unknown)[] = [];
    try {
      // The installed bin on free ports; its one JSON line says where.
      const mock: ChildProcess = spawn(join(c.dir, 'node_modules/.bin/fleetwire-mock'), ['--ephemeral', '--json'], { cwd: c.dir, stdio: ['ignore', 'pipe', 'inherit'] });
      cleanups.push(() => mock.kill('SIGTERM'));
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: mock.stdout! }).once('line', resolve);
        mock.once('exit', (code) => reject(new Error(`fleetwire-mock exited with ${code} before printing its endpoints`)));
      });
      const info = JSON.parse(line) as { endpoints: { fleet: { url: string }; admin: { url: string } }; credentials: { apiKey: string } };

      // A FleetAgent from the installed SDK (not the sources).
      const sdk = (await import(join(c.dir, 'node_modules/@fleetwire/sdk/dist/index.js'))) as typeof import('@fleetwire/sdk');
      const agent = new sdk.FleetAgent({
        url: info.endpoints.fleet.url,
        apiKey: info.credentials.apiKey,
        nodeId: 'packed-host-1',
        metrics: () => ({ cpuTemp: 40, cpuUsagePercent: 10, gpuTemp: [50], gpuUtilization: [5], gpuMemoryUsedMb: [100], ramUsageMb: 1000, ramTotalMb: 8000, diskUsageGb: 10, diskTotalGb: 100, networkRxMbps: 1, networkTxMbps: 1 }),
        onStartInstance: () => ({ containerId: 'c-1', connectionInfo: { sshHost: 'h', sshPort: 22 } }),
        onStopInstance: () => ({ reason: 'requested' }),
      });
      cleanups.push(() => agent.close());

      const browser = await launchChromium();
      cleanups.push(() => browser.close());
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      const app = await page.request.get(new URL('/app.js', info.endpoints.admin.url).href);
      expect(app.status(), await app.text().then((t) => t.slice(0, 200))).toBe(200);
      await page.goto(info.endpoints.admin.url);
      await page.locator('#live', { hasText: /^live$/ }).waitFor({ timeout: 30_000 });
      agent.connect();
      await page.locator('tr[data-node="packed-host-1"]').and(page.locator('[data-state="online"]')).waitFor({ timeout: 30_000 });
      expect(await page.textContent('#online')).toBe('1');
      expect(pageErrors).toEqual([]);
    } finally {
      for (const f of cleanups.reverse()) await f();
    }
  });
});
