/**
 * What the mock exposes and to whom (issue 10): the listen backlog of every
 * socket, vstats dashboards limited by Origin, monitor frontend tokens limited
 * per server by a claim, and keys shown as fingerprints in what it prints.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startMockBackend, fingerprint, type MockBackend } from '@fleetwire/mock-backend';
import { parseArgs, UsageError } from '../src/cli/args.js';
import { describe as describeStart, startInfo } from '../src/cli/print.js';
import { rawClient } from './monitor-ws-helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function backend(o: Parameters<typeof startMockBackend>[0] = {}): Promise<MockBackend> {
  const b = await startMockBackend({ ephemeral: true, ...o });
  cleanups.push(() => b.close());
  return b;
}
const origin = (u: string) => new URL(u).origin.replace(/^http/, 'ws');

/** HTTP status of a dashboard upgrade from `from` (null: it opened). */
function dashboardStatus(url: string, from?: string): Promise<number | null> {
  const ws = new WebSocket(`${origin(url)}/ws`, from ? { headers: { origin: from } } : {});
  cleanups.push(() => ws.terminate());
  return new Promise((resolve) => {
    ws.once('open', () => resolve(null));
    ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? -1));
    ws.on('error', () => {});
  });
}

/** Send-Q of a listening socket in `ss -ltn` is its accept-queue length (the backlog, capped by somaxconn). */
function listenBacklog(port: number): number | null {
  try {
    const out = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
    const cols = out.trim().split(/\s+/);
    return cols.length >= 3 ? Number(cols[2]) : null;
  } catch {
    return null;
  }
}

describe('listen backlog', () => {
  it('every listening socket takes the backlog option (default 4096, capped by somaxconn); --backlog parses and is checked', async () => {
    const b = await backend({ backlog: 77 });
    const ports = new Set(Object.values(b.endpoints).flatMap((e) => (e ? [e.port] : [])));
    const seen = [...ports].map(listenBacklog);
    if (seen.every((s) => s === null)) return; // no `ss` here: the parsing checks below still run
    expect(seen).toEqual([...ports].map(() => 77));

    const d = await backend();
    const somaxconn = Number(execFileSync('cat', ['/proc/sys/net/core/somaxconn'], { encoding: 'utf8' }).trim());
    expect(listenBacklog(d.fleetPort)).toBe(Math.min(4096, somaxconn));
  });

  it('--backlog N and bad values', async () => {
    const cmd = await parseArgs(['--backlog', '1024']);
    expect(cmd?.kind === 'serve' && cmd.options.backlog).toBe(1024);
    for (const bad of ['0', '-5', '1.5', 'lots', '70000']) {
      await expect(parseArgs(['--backlog', bad])).rejects.toBeInstanceOf(UsageError);
    }
    await expect(backend({ backlog: 0 })).rejects.toThrow(/backlog must be a whole number/);
  });
});

describe('vstats dashboards: --allowed-origins', () => {
  it('default open: any Origin, and none, opens a dashboard', async () => {
    const b = await backend();
    expect(await dashboardStatus(b.endpoints.vstats!.url, 'http://anywhere.test')).toBe(null);
    expect(await dashboardStatus(b.endpoints.vstats!.url)).toBe(null);
  });

  it('limited: listed origins open, others (and none) get 403; the flag parses into the option', async () => {
    const cmd = await parseArgs(['--allowed-origins', 'http://localhost:5173, https://ops.example.com']);
    expect(cmd?.kind === 'serve' && cmd.options.vstatsAllowedOrigins).toEqual(['http://localhost:5173', 'https://ops.example.com']);
    const b = await backend({ vstatsAllowedOrigins: ['http://localhost:5173', 'https://ops.example.com'] });
    expect(await dashboardStatus(b.endpoints.vstats!.url, 'http://localhost:5173')).toBe(null);
    expect(await dashboardStatus(b.endpoints.vstats!.url, 'https://ops.example.com')).toBe(null);
    expect(await dashboardStatus(b.endpoints.vstats!.url, 'https://evil.example.com')).toBe(403);
    expect(await dashboardStatus(b.endpoints.vstats!.url)).toBe(403);
    expect(b.servers.vstats!.counters.originRejections).toBe(2);
  });

  it('bad --allowed-origins values are usage errors', async () => {
    for (const bad of ['', ' , ', 'localhost:5173', 'http://a.test/path', 'http://a.test/']) {
      await expect(parseArgs(['--allowed-origins', bad]), bad).rejects.toBeInstanceOf(UsageError);
    }
  });
});

describe('monitor frontend tokens: per-server access by the server_ids claim', () => {
  async function stream(b: MockBackend, serverId: string, token: string) {
    const c = rawClient(`${origin(b.endpoints.monitor!.url)}/api/v1/ws/metrics/${serverId}`);
    cleanups.push(() => c.ws.terminate());
    c.send({ type: 'auth', token });
    return c;
  }

  it('a token with server_ids opens those servers only; one without the claim opens any', async () => {
    const b = await backend();
    const limited = await b.mintMonitorToken('ops', { serverIds: ['srv-a'] });
    const a = await stream(b, 'srv-a', limited);
    const other = await stream(b, 'srv-b', limited);
    expect(await other.next()).toEqual({ type: 'error', message: 'Invalid or expired token' });
    expect((await other.closed).code).toBe(1008);
    await expect.poll(() => b.servers.monitor!.frontends.count('srv-a')).toBe(1);
    expect(a.ws.readyState).toBe(WebSocket.OPEN);

    const any = await b.mintMonitorToken('ops');
    await stream(b, 'srv-b', any);
    await expect.poll(() => b.servers.monitor!.frontends.count('srv-b')).toBe(1);
  });

  it('a malformed claim opens nothing (fail closed); the admin API mints limited tokens', async () => {
    const b = await backend({ adminToken: 'exposure-admin' });
    const bad = await b.mintMonitorToken('ops', { claims: { server_ids: 'srv-a' } });
    const c = await stream(b, 'srv-a', bad);
    expect((await c.closed).code).toBe(1008);

    const res = await fetch(`${b.adminUrl}/api/monitor/tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer exposure-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'ops', serverIds: ['srv-c'] }),
    });
    const { token, serverIds } = (await res.json()) as { token: string; serverIds: string[] };
    expect(serverIds).toEqual(['srv-c']);
    expect((await (await stream(b, 'srv-d', token)).closed).code).toBe(1008);
    await stream(b, 'srv-c', token);
    await expect.poll(() => b.servers.monitor!.frontends.count('srv-c')).toBe(1);
    const bodyBad = await fetch(`${b.adminUrl}/api/monitor/tokens`, {
      method: 'POST',
      headers: { authorization: 'Bearer exposure-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'ops', serverIds: 'srv-c' }),
    });
    expect(bodyBad.status).toBe(400);
  });
});

describe('keys in what the mock prints', () => {
  it('a key from a file is shown as a fingerprint (first 4 characters + length); the dev key, being public, in full', async () => {
    const secret = 'fwk_0123456789abcdef0123456789abcdef';
    const b = await backend({ keys: [secret], ports: { admin: 0 } });
    const info = startInfo(b, '/tmp/keys.txt');
    expect(info.credentials.apiKey).toBe(null);
    expect(info.credentials.apiKeyFingerprint).toBe(`fwk_…(${secret.length})`);
    expect(fingerprint(secret)).toBe(`fwk_…(${secret.length})`);
    const human = describeStart(info);
    expect(human).not.toContain(secret);
    expect(JSON.stringify(info)).not.toContain(secret);
    expect(human).toContain(b.adminToken); // printed once at start: it is how a user learns it

    const dev = startInfo(await backend(), null);
    expect(dev.credentials.apiKey).toBe('fleetwire-dev-key');
  });

  it('--verbose refusal logs carry a fingerprint, never the key', async () => {
    const lines: string[] = [];
    const logger = { info: (m: string, f?: object) => lines.push(`${m} ${JSON.stringify(f ?? {})}`), warn: (m: string, f?: object) => lines.push(`${m} ${JSON.stringify(f ?? {})}`) };
    const b = await backend({ keys: ['fwk_the-real-key-0001'], logger });
    const wrong = 'fwk_a-wrong-but-secret-key';
    const c = rawClient(`${origin(b.endpoints.vstats!.url)}/ws/agent?token=${wrong}`);
    cleanups.push(() => c.ws.terminate());
    expect(await c.refused).toBe(401);
    const m = rawClient(`${origin(b.endpoints.monitor!.url)}/api/v1/agents/ws`);
    cleanups.push(() => m.ws.terminate());
    m.send({ type: 'auth', api_key: wrong });
    await m.closed;
    const all = lines.join('\n');
    expect(all).toContain(fingerprint(wrong));
    expect(all).not.toContain(wrong);
  });
});
