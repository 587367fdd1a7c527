/**
 * How people start and stop fleetwire-mock: through npm (`npm run mock &` then
 * `kill $!` must stop the node process, not only npm), with --pid-file, and with
 * port flags that move what shares a port. Never on a default port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { until } from './admin-helpers.js';
import { processAlive } from '../../../test-support/index.js';
import type { StartInfo } from '../src/cli/print.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'packages/mock-backend/src/cli/main.ts';

const children: ChildProcess[] = [];
const pids: number[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const p of pids.splice(0)) if (processAlive(p)) process.kill(p, 'SIGKILL');
});

/** Starts `cmd args`, resolves with the child and the mock's JSON start line. */
async function startJson(cmd: string, args: string[]): Promise<{ child: ChildProcess; info: StartInfo; out: () => string }> {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const line = (await until<string | null | undefined>(() => out.split('\n').find((l) => l.startsWith('{')) ?? (child.exitCode !== null ? `exit ${child.exitCode}: ${err}` : null), "the JSON line", 30_000)) as string;
  if (!line.startsWith('{')) throw new Error(line);
  const info = JSON.parse(line) as StartInfo;
  pids.push(info.pid);
  return { child, info, out: () => out };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('fleetwire-mock lifetime', { timeout: 90_000 }, () => {
  it('`npm run mock &` then `kill $!` (SIGTERM to npm) stops the node process and frees its ports', async () => {
    const { child, info } = await startJson('npm', ['run', '--silent', 'mock', '--', '--ephemeral', '--json']);
    expect(info.pid).not.toBe(child.pid); // npm → sh → node: the mock is not the process `$!` names
    const admin = info.endpoints.admin!.url;
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    await until(() => !processAlive(info.pid), `mock pid ${info.pid} exited after npm was killed`, 20_000);
    await expect(fetch(`${admin}/healthz`)).rejects.toThrow();
  });

  it('--pid-file holds the pid; kill "$(cat FILE)" exits 0 and removes the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-pid-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'mock.pid');
    const { child, info } = await startJson(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, '--ephemeral', '--json', '--pid-file', file]);
    expect((await readFile(file, 'utf8')).trim()).toBe(String(info.pid));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    process.kill(Number((await readFile(file, 'utf8')).trim()), 'SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('--fleet-port P moves control-plane to P (they share a server); with one port 0 every other part is ephemeral', async () => {
    const p = await freePort();
    const { child, info } = await startJson(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, '--json', '--fleet-port', String(p), '--vstats-port', '0']);
    expect(info.endpoints.fleet!.port).toBe(p);
    expect(info.endpoints.controlPlane!.port).toBe(p);
    expect(info.endpoints.controlPlane!.url).toBe(`ws://127.0.0.1:${p}/ws`);
    for (const d of ['vstats', 'lightd', 'monitor', 'admin'] as const) expect([3001, 8070, 8000, 3100, p]).not.toContain(info.endpoints[d]!.port);
    const ws = new WebSocket(info.endpoints.controlPlane!.url);
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.close();
    child.kill('SIGTERM');
  });
});
