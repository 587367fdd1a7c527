/**
 * `npm run docs:api` builds the API reference with TypeDoc from the SDK's
 * sources (src/index.ts, the one public surface) without errors or warnings (a broken
 * {@link} or README link fails it), and the pages
 * a user looks for exist: every client, the common client type, the dialect
 * namespaces. Built into a temporary folder, not docs/api.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'fleetwire-api-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('TypeDoc builds the API reference with no errors and a page per client', async () => {
  const bin = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = execFile(process.execPath, [bin, '--options', 'packages/sdk/typedoc.json', '--out', out, '--treatWarningsAsErrors'], { cwd: root, maxBuffer: 8 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
    child.stdin?.end();
  });
  expect(code, output).toBe(0);
  for (const cls of ['FleetAgent', 'MonitorAgent', 'MonitorMetricsStream', 'MonitorLogStream', 'LightdConsole', 'VStatsAgent', 'VStatsDashboard', 'ControlPlaneEvents']) {
    expect(existsSync(join(out, 'classes', `${cls}.html`)), cls).toBe(true);
  }
  expect(existsSync(join(out, 'interfaces', 'FleetwireClient.html'))).toBe(true);
  for (const ns of ['fleet', 'monitor', 'lightd', 'vstats', 'controlPlane']) expect(existsSync(join(out, 'modules', `${ns}.html`)), ns).toBe(true);
  // The JSDoc reaches the page: connect()'s contract is readable there.
  expect(readFileSync(join(out, 'interfaces', 'FleetwireClient.html'), 'utf8')).toContain('FW_AUTH_REJECTED');
}, 240_000);
