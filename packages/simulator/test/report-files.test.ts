/**
 * What `fleetwire-sim run --out --html --junit` writes, from a real run (the CLI
 * spawned, embedded backend, rentals, malformed heartbeats so there are errors):
 * the JSON report validates against report.schema.json and its percentiles and
 * error totals agree; the JUnit file parses and holds one case per threshold;
 * the HTML page renders in headless Chromium from a file:// URL with no network,
 * and every chart has data. The screenshot is left in the temp dir (path printed).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { XMLParser } from 'fast-xml-parser';
import { HAVE_CHROMIUM, launchChromium } from '../../../test-support/chromium.js';
import { sim } from './helpers.js';

const SCHEMA = fileURLToPath(new URL('../report.schema.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fleetwire-sim-report-'));
const files = { out: join(dir, 'report.json'), html: join(dir, 'report.html'), junit: join(dir, 'junit.xml'), png: join(dir, 'report.png') };

let run: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  run = await sim([
    'run', '--agents', '12', '--duration', '6s', '--heartbeat-interval', '250ms', '--live', 'off', '--ramp', '6',
    '--rentals-per-minute', '240', '--rental-duration', '1500ms', '--chaos-malformed', '5%',
    '--threshold', 'connected>=100%', '--threshold', 'ack_p99<1ms', '--threshold', 'errors<50%',
    '--out', files.out, '--html', files.html, '--junit', files.junit,
  ]);
}, 120_000);

describe('report files of a run', () => {
  it('the run exits 1 (ack_p99<1ms fails) and writes all three files', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/threshold\(s\) failed: ack_p99<1ms/);
    for (const f of [files.out, files.html, files.junit]) expect(existsSync(f), f).toBe(true);
  });

  it('JSON: valid against report.schema.json (v2); percentiles from one histogram never exceed max; errors = sum of byCode; a sample per second', () => {
    const report = JSON.parse(readFileSync(files.out, 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.version).toBe(2);
    for (const [name, l] of Object.entries(report.latency) as [string, Record<string, number>][]) {
      for (const p of ['p50', 'p90', 'p95', 'p99']) expect(l[p], `${name} ${p}`).toBeLessThanOrEqual(l['max']!);
    }
    expect(report.latency.ack.count).toBeGreaterThan(0);
    const byCode = Object.values(report.errors.byCode as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(report.errors.total).toBe(byCode);
    expect(report.errors.total).toBeGreaterThan(0); // malformed heartbeats are rejected
    const s = report.series;
    expect(s.t.length).toBeGreaterThanOrEqual(5);
    for (const k of ['connected', 'heartbeats_per_s', 'acks_per_s', 'ack_p99_ms', 'errors', 'reconnects']) expect(s[k]).toHaveLength(s.t.length);
    expect(Math.max(...s.connected)).toBe(12);
    expect(Math.max(...s.acks_per_s)).toBeGreaterThan(0);
    expect(s.errors.reduce((a: number, b: number) => a + b, 0)).toBe(report.errors.total);
  });

  it('JUnit: parses; one test case per threshold plus "agents got in"; the failed threshold has a <failure>', () => {
    const xml = readFileSync(files.junit, 'utf8');
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);
    const suite = doc.testsuites.testsuite;
    const cases = suite.testcase as Record<string, unknown>[];
    expect(cases.map((c) => c['@name'])).toEqual(['agents got in', 'threshold connected>=100%', 'threshold ack_p99<1ms', 'threshold errors<50%']);
    expect(suite['@tests']).toBe('4');
    expect(suite['@failures']).toBe('1');
    expect(cases[2]!['failure']).toMatchObject({ '@type': 'threshold', '@message': expect.stringMatching(/^ack_p99<1ms failed: actual /) });
    expect(cases[0]!['failure']).toBeUndefined();
  });

  it.skipIf(!HAVE_CHROMIUM)('HTML: opens from file:// with the network off, renders every chart with data, marks the thresholds', { timeout: 90_000 }, async () => {
    const html = readFileSync(files.html, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // self-contained: nothing to fetch
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 1900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(files.html).href);
      await page.locator('body[data-rendered="true"]').waitFor({ timeout: 30_000 });
      const charts = (await page.evaluate(() => (window as unknown as { __fleetwireCharts: Record<string, { series: number; points: number }> }).__fleetwireCharts)) ?? {};
      expect(Object.keys(charts).sort()).toEqual(['connected', 'errors', 'latency', 'lifecycle', 'throughput']);
      for (const [name, c] of Object.entries(charts)) {
        expect(c.series, name).toBeGreaterThan(0);
        expect(c.points, name).toBeGreaterThan(0);
        expect(await page.locator(`[data-chart="${name}"] canvas`).count(), `${name} canvas`).toBe(1);
      }
      expect(await page.locator('tr.fail', { hasText: 'ack_p99<1ms' }).count()).toBe(1);
      expect(await page.locator('tr.pass', { hasText: 'connected>=100%' }).count()).toBe(1);
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      await page.screenshot({ path: files.png, fullPage: true });
      process.stdout.write(`report screenshot: ${files.png}\n`);
    } finally {
      await browser.close();
    }
  });
});
