/**
 * SIGTERM never hangs (issue 16): a peer that completed its WebSocket upgrade and
 * then stopped reading (its send buffer full), an HTTP keep-alive socket and an
 * upgrade request that never finished its headers are all ended within the
 * --shutdown-grace bound, next to normal agents, and --state-file is still written.
 * Before the bound, engine.io held the close until the silent peer drained and
 * io.close() waited for every socket on the fleet port: the mock of 938e457 had not
 * exited 14 minutes after SIGTERM in this very scenario (run killed); with every close
 * step awaited unbounded, this test fails (the CLI's watchdog exits 1 after 16 s).
 */
import { connect, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startMockProcess, type MockProcess } from '../../../test-support/mock-process.js';
import { fleetAgent, until } from './admin-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fw-shutdown-'));
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

/** A masked client text frame (RFC 6455 §5.3: clients must mask). */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

/** Opens a TCP connection, sends `request`, resolves once `expect` has been read; the socket is kept. */
function raw(port: number, request: string, expectText: string | null): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined); // the mock destroying it at shutdown is the point
    cleanups.push(() => s.destroy());
    let got = '';
    s.once('connect', () => {
      s.write(request);
      if (expectText === null) resolve(s);
    });
    if (expectText === null) return;
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes(expectText)) {
        s.off('data', onData);
        resolve(s);
      }
    };
    s.on('data', onData);
    setTimeout(() => reject(new Error(`no ${JSON.stringify(expectText)} from port ${port}; got ${JSON.stringify(got.slice(0, 200))}`)), 30_000).unref();
  });
}

const upgrade = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

describe('SIGTERM with silent, half-open and idle sockets', () => {
  it('exits within the grace bound, every socket closed, the state file written', async () => {
    const stateFile = join(dir, 'state.json');
    const GRACE_MS = 1000;
    const mock: MockProcess = await startMockProcess(['--ephemeral', '--state-file', stateFile, '--shutdown-grace', `${GRACE_MS}ms`]);
    cleanups.push(() => mock.stop('SIGKILL'));

    // Normal agents, heartbeating and acked.
    const agents = ['ok-1', 'ok-2'].map((id) => fleetAgent(mock.fleetUrl, `dev-${id}`, id));
    for (const a of agents) {
      a.on('error', () => undefined);
      cleanups.push(() => a.close());
      a.connect();
    }
    await Promise.all(agents.map((a) => new Promise((r) => a.once('heartbeat_ack', r))));

    // A fleet agent that completes the upgrade and Socket.IO's namespace connect, then never reads again...
    const silent = await raw(mock.fleetPort, upgrade('/socket.io/?EIO=4&transport=websocket'), '"sid"');
    silent.write(clientFrame('40/fleet,{"token":"dev-silent-1","nodeId":"silent-1"}'));
    await until(async () => (await mock.get<{ connection?: string }>('/api/nodes/silent-1')).connection === 'ONLINE', 'silent-1 online');
    silent.pause();
    // ...while the mock keeps writing to it, until kernel buffers and engine.io's write buffer are full.
    const payload = 'x'.repeat(900_000);
    for (let i = 0; i < 24; i++) {
      const r = await mock.post('/api/nodes/silent-1/send', { event: 'flood', payload });
      expect(r.status).toBe(200);
    }
    // The same on a plain-WebSocket dialect: a vstats dashboard that stops reading.
    const vstats = mock.endpoints.vstats!;
    const silentWs = await raw(vstats.port, upgrade('/ws'), '101 Switching Protocols');
    silentWs.pause();
    // An HTTP keep-alive socket after one answered request, and an upgrade whose headers never finish.
    const keepAlive = await raw(mock.fleetPort, 'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n', '\r\n\r\n');
    const halfUpgrade = await raw(mock.fleetPort, 'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n', null);
    const halfVstats = await raw(vstats.port, 'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n', null);
    const admin = await raw(Number(new URL(mock.adminUrl).port), 'GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n', '\r\n\r\n');

    const closed = (s: Socket) => new Promise<void>((r) => (s.destroyed || s.readyState === 'closed' ? r() : s.once('close', () => r())));
    const watched = [silent, silentWs, keepAlive, halfUpgrade, halfVstats, admin];
    const t0 = performance.now();
    const exit = await mock.stop('SIGTERM');
    const ms = performance.now() - t0;
    expect(exit).toEqual({ code: 0, signal: null });
    // The bound: the grace period plus start-up-sized slack for a busy box, far below what a
    // hang costs (ws's 30 s close timer for the silent peer, 60 s+ for the half-sent request).
    expect(ms).toBeLessThan(GRACE_MS + 12_000);
    // A raw socket whose peer is gone: reading resumes, so the FIN or RST is seen.
    for (const s of watched) s.resume();
    await Promise.all(watched.map(closed));

    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { nodes: { nodeId: string; heartbeats: number }[] };
    const ids = saved.nodes.map((n) => n.nodeId).sort();
    expect(ids).toEqual(['ok-1', 'ok-2', 'silent-1']);
    expect(saved.nodes.find((n) => n.nodeId === 'ok-1')!.heartbeats).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
