/** fleetwire-mock as a child process: --json, flags, keys files, clean shutdown, bad flags. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ErrorCodes, type FleetwireError } from '@fleetwire/sdk';
import { DEV_KEY, KeyStore } from '@fleetwire/mock-backend';
import { admin, fleetAgent, until } from './admin-helpers.js';
import type { StartInfo } from '../src/cli/print.js';
import { parseArgs, UsageError } from '../src/cli/args.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'packages/mock-backend/src/cli/main.ts';

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function run(args: string[]): Run {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const r: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.on('data', (d) => (r.stdout += d));
  child.stderr!.on('data', (d) => (r.stderr += d));
  return r;
}

async function startJson(args: string[] = []): Promise<{ r: Run; info: StartInfo }> {
  const r = run(['--ephemeral', '--json', ...args]);
  await until(() => r.stdout.includes('\n') || r.child.exitCode !== null, 'the JSON line', 15_000);
  expect(r.stderr).toBe('');
  const lines = r.stdout.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  return { r, info: JSON.parse(lines[0]!) as StartInfo };
}

describe('fleetwire-mock CLI', { timeout: 90_000 }, () => {
  it('--ephemeral --json prints one JSON line with every endpoint and the credentials; SIGTERM closes sockets and exits 0', async () => {
    const { r, info } = await startJson();
    for (const d of ['fleet', 'controlPlane', 'vstats', 'lightd', 'monitor', 'admin'] as const) {
      expect(info.endpoints[d]!.port, d).toBeGreaterThan(0);
    }
    expect(info.endpoints.controlPlane!.port).toBe(info.endpoints.fleet!.port); // they share a server
    expect(info.credentials.apiKey).toBe(DEV_KEY);
    expect(info.credentials.adminToken).toMatch(/^fwadm_[0-9a-f]{32}$/);

    const a = fleetAgent(info.endpoints.fleet!.url, info.credentials.apiKey!);
    cleanups.push(() => a.close());
    a.on('error', () => {});
    a.connect();
    await until(() => a.state === 'connected', 'agent connected');
    const nodes = await admin(info.endpoints.admin!.url, info.credentials.adminToken, 'GET', '/api/nodes');
    expect(nodes.json.nodes.map((n: { nodeId: string }) => n.nodeId)).toEqual(['node-1']);

    const cp = new WebSocket(info.endpoints.controlPlane!.url);
    const cpClosed = new Promise<number>((resolve) => cp.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => (cp.once('open', resolve), cp.once('error', reject)));

    let lostReason = '';
    a.on('state', (t) => {
      if (t.from === 'connected') lostReason = `${t.to}:${t.code}`;
    });
    r.child.kill('SIGTERM');
    expect(await r.exit).toEqual({ code: 0, signal: null });
    await until(() => lostReason, 'agent saw the server go');
    expect(await cpClosed).toBe(1001); // a plain-WebSocket client gets "going away", not a dropped TCP connection
    expect(r.stderr).toBe('');
  });

  it('SIGINT exits 0 too, and takes the ports given per dialect', async () => {
    const { r, info } = await startJson(['--vstats-port', '0', '--admin-port', '0']);
    expect(info.endpoints.vstats!.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    r.child.kill('SIGINT');
    expect((await r.exit).code).toBe(0);
  });

  it('--generate-keys N --out FILE writes N keys; --keys FILE accepts them and refuses the dev key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-cli-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'keys.txt');
    const gen = run(['--generate-keys', '3', '--out', file]);
    expect((await gen.exit).code).toBe(0);
    expect(gen.stdout).toContain(`wrote 3 keys to ${file}`);
    const keys = KeyStore.parse(await readFile(file, 'utf8'));
    expect(keys).toHaveLength(3);

    const { info } = await startJson(['--keys', file]);
    // Keys from a file are secrets: the start line carries a fingerprint (first 4 characters + length), never a key.
    expect(info.credentials).toMatchObject({ apiKey: null, apiKeyFingerprint: `${keys[0]!.slice(0, 4)}…(${keys[0]!.length})`, apiKeys: 3, keysFile: file });
    for (const k of keys) expect(JSON.stringify(info)).not.toContain(k);
    const good = fleetAgent(info.endpoints.fleet!.url, keys[2]!, 'node-good');
    const dev = fleetAgent(info.endpoints.fleet!.url, DEV_KEY, 'node-dev');
    cleanups.push(() => good.close(), () => dev.close());
    const errors: FleetwireError[] = [];
    dev.on('error', (e) => errors.push(e));
    good.connect();
    dev.connect();
    await until(() => good.state === 'connected', 'good key connects');
    await until(() => errors.length > 0, 'dev key refused');
    expect(errors[0]!.code).toBe(ErrorCodes.FW_AUTH_REJECTED);
  });

  it.each([
    [['--fleet-port', 'abc'], /--fleet-port must be a port from 0 to 65535 \(0 = ephemeral\), got "abc"/],
    [['--vstats-ping-interval', 'soon'], /--vstats-ping-interval must be a duration like 30s/],
    [['--fleet-ping-interval', '0'], /--fleet-ping-interval/],
    [['--control-plane-token', ''], /--control-plane-token/],
    [['--lightd-port', '70000'], /--lightd-port must be a port from 0 to 65535 \(0 = ephemeral\), got "70000"/],
    [['--bogus'], /Unknown argument: bogus/],
    [['--generate-keys', '2'], /--generate-keys needs --out FILE/],
    [['--generate-keys', '0', '--out', '/tmp/x'], /--generate-keys needs a whole number from 1/],
    [['--out', '/tmp/x'], /--out is only used with --generate-keys/],
    [['--admin-token', 'short'], /--admin-token must be at least 8 characters/],
    [['serve'], /Unknown argument: serve/],
  ])('bad flags %j → UsageError with a clear message', async (args, message) => {
    await expect(parseArgs(args)).rejects.toThrow(message);
    await expect(parseArgs(args)).rejects.toBeInstanceOf(UsageError);
  });

  it('--fleet-ping-interval sets the fleet Socket.IO ping period', async () => {
    const cmd = await parseArgs(['--fleet-ping-interval', '60s']);
    expect(cmd && 'options' in cmd ? cmd.options.pingIntervalMs : null).toBe(60_000);
  });

  it('--help prints the options once on stdout and exits 0', async () => {
    const h = run(['--help']);
    expect((await h.exit).code).toBe(0);
    expect(h.stdout.match(/Runs the fleetwire mock control plane/g)).toHaveLength(1);
    expect(h.stdout).toContain('--vstats-port');
  });

  it('bad flags and an unreadable keys file exit 2 with the message on stderr; a taken port exits 1 naming its flag', async () => {
    const bad = run(['--bogus', '--fleet-port', 'x']);
    expect((await bad.exit).code).toBe(2);
    expect(bad.stderr).toMatch(/^fleetwire-mock: .*\nRun fleetwire-mock --help for the options\.\n$/);
    expect(bad.stdout).toBe('');
    const missing = run(['--keys', '/nonexistent/keys.txt', '--ephemeral']);
    expect((await missing.exit).code).toBe(2);
    expect(missing.stderr).toContain('cannot read keys file /nonexistent/keys.txt');

    const { r, info } = await startJson();
    const taken = run(['--ephemeral', '--admin-port', String(info.endpoints.admin!.port)]);
    expect((await taken.exit).code).toBe(1);
    expect(taken.stderr).toMatch(/is taken .*admin port: pass --admin-port with another port/);
    expect(taken.stderr).not.toMatch(/--<dialect>-port|--fleet-port/);
    r.child.kill('SIGTERM');
    await r.exit;
  });
});
