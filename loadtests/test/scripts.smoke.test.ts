/**
 * Runs one VU of each k6 script in Node, with k6's modules replaced by
 * ./k6-shim.ts, against small local servers that play each dialect's server
 * side. Not a substitute for real k6, but it executes every script's logic
 * (handshakes, timers, answers, metrics, handleSummary) end to end.
 */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Server as IoServer } from 'socket.io';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';

const here = resolve(import.meta.dirname);
const out = mkdtempSync(join(tmpdir(), 'fw-k6-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Shim {
  samples: Record<string, { value: number; tags?: Record<string, string> }[]>;
  sockets: { closed: Promise<void> }[];
}

/** Bundles a script with k6/* mapped to the shim, sets __ENV, imports it and runs one VU to the end of its session. */
async function runVu(script: string, env: Record<string, string>) {
  const file = join(out, `${script}.mjs`);
  await build({
    entryPoints: [join(here, '..', `${script}.ts`)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: file,
    logLevel: 'silent',
    plugins: [
      {
        name: 'k6-shim',
        setup(b) {
          b.onResolve({ filter: /^k6(\/.*)?$/ }, () => ({ path: join(here, 'k6-shim.ts') }));
        },
      },
    ],
  });
  (globalThis as Record<string, unknown>).__ENV = { AGENTS: '1', RAMP: '0s', DURATION: '2s', HEARTBEAT_INTERVAL: '200ms', SUMMARY_JSON: '-', ...env };
  const mod = (await import(pathToFileURL(file).href)) as { default(): void; handleSummary(d: unknown): Record<string, string>; options: { thresholds: Record<string, string[]> } };
  const shim = (globalThis as unknown as { __k6shim: Shim }).__k6shim;
  mod.default();
  await shim.sockets[0]?.closed;
  const count = (name: string, pred: (v: number) => boolean = () => true) => (shim.samples[name] ?? []).filter((s) => pred(s.value)).length;
  return { mod, shim, count };
}

async function http(): Promise<{ server: HttpServer; port: number }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

function wsServer(server: HttpServer, onConn: (ws: WsSocket, url: string) => void) {
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => onConn(ws, req.url ?? ''));
  return wss;
}

describe('k6 scripts run one VU end to end (Node shim of k6)', () => {
  it('fleet: joins /fleet, heartbeats acked by id, answers start_instance, closes on time', async () => {
    const { server, port } = await http();
    const io = new IoServer(server, { pingInterval: 300, transports: ['websocket'] });
    const started: unknown[] = [];
    io.of('/fleet').on('connection', (socket) => {
      socket.on('heartbeat', (_p: unknown, ack: (a: unknown) => void) => ack({ success: true }));
      socket.on('instance_started', (p: unknown, ack: (a: unknown) => void) => (started.push(p), ack({ success: true })));
      socket.emit('start_instance', { rentalId: 'r1', image: 'img', resourceLimits: { gpuIndices: ['0'], cpuCores: 1, ramLimit: '1g', diskLimit: '1g' }, proxyPortMapping: { '22': 10022 } }, () => {});
    });
    const { mod, count } = await runVu('fleet', { BASE_URL: `http://127.0.0.1:${port}`, START_DELAY: '100ms' });
    io.close();
    expect(count('fleet_heartbeat_ack_ms')).toBeGreaterThanOrEqual(5);
    expect(count('fleet_lifecycle_success', (v) => v === 0)).toBe(0);
    expect(count('fleet_protocol_errors')).toBe(0);
    expect(count('fleet_commands')).toBe(1);
    expect(started).toHaveLength(1);
    expect(mod.options.thresholds.fleet_heartbeat_ack_ms).toEqual(['p(95)<250', 'p(99)<1000']);
    const summary = mod.handleSummary({ metrics: { fleet_heartbeat_ack_ms: { type: 'trend', contains: 'time', values: { avg: 1 } } } });
    expect(summary.stdout).toContain('fleet_heartbeat_ack_ms');
  });

  it('monitor: auth → metrics → command answered', async () => {
    const { server, port } = await http();
    const got: Record<string, unknown>[] = [];
    const wss = wsServer(server, (ws) =>
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as Record<string, unknown>;
        got.push(m);
        if (m.type === 'auth') ws.send(JSON.stringify({ type: 'auth_success', server_id: 's1', message: 'Connected successfully' }));
        if (m.type === 'metrics' && got.filter((x) => x.type === 'metrics').length === 1) ws.send(JSON.stringify({ type: 'command', command_id: 'c1', command: 'echo hi' }));
      }),
    );
    const { count } = await runVu('monitor', { BASE_URL: `ws://127.0.0.1:${port}` });
    wss.close();
    server.close();
    expect(got[0]).toEqual({ type: 'auth', api_key: 'fleetwire-dev-key' });
    expect(got.filter((m) => m.type === 'metrics').length).toBeGreaterThanOrEqual(5);
    expect(got.find((m) => m.type === 'command_response')).toMatchObject({ command_id: 'c1', output: 'hi\n', exit_code: 0 });
    expect(count('monitor_auth_ms')).toBe(1);
    expect(count('monitor_ping_rtt_ms')).toBeGreaterThanOrEqual(5);
    expect(count('monitor_lifecycle_success', (v) => v === 0)).toBe(0);
  });

  it('vstats: token in the URL, metrics and heartbeat sent', async () => {
    const { server, port } = await http();
    const got: Record<string, unknown>[] = [];
    let url = '';
    const wss = wsServer(server, (ws, u) => ((url = u), ws.on('message', (d) => got.push(JSON.parse(d.toString())))));
    const { count } = await runVu('vstats', { BASE_URL: `http://127.0.0.1:${port}`, DEV_KEY: 'tok 1' });
    wss.close();
    server.close();
    expect(url).toBe('/ws/agent?token=tok%201');
    expect(got.filter((m) => m.type === 'metrics').length).toBeGreaterThanOrEqual(5);
    expect(got.some((m) => m.type === 'heartbeat')).toBe(true);
    expect(count('vstats_lifecycle_success', (v) => v === 0)).toBe(0);
  });

  it('lightd: logs round trip and command echo measured', async () => {
    const { server, port } = await http();
    let url = '';
    const wss = wsServer(server, (ws, u) => {
      url = u;
      ws.send(JSON.stringify({ event: 'stats', cpu_usage: 1, memory_usage: 1, memory_limit: 2, network_rx: 0, network_tx: 0, block_read: 0, block_write: 0 }));
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { event: string; command?: string };
        if (m.event === 'request_logs') ws.send(JSON.stringify({ event: 'logs', data: 'old line\n' }));
        if (m.event === 'send_command') ws.send(JSON.stringify({ event: 'console', data: (m.command ?? '').replace(/^echo /, '') }));
      });
    });
    const { count } = await runVu('lightd', { BASE_URL: `ws://127.0.0.1:${port}` });
    wss.close();
    server.close();
    expect(url).toBe('/ws/k6-server-0?token=lightd_fleetwire-dev-token');
    expect(count('lightd_logs_ms')).toBe(1);
    expect(count('lightd_command_echo_ms')).toBeGreaterThanOrEqual(5);
    expect(count('lightd_protocol_errors')).toBe(0);
    expect(count('lightd_lifecycle_success', (v) => v === 0)).toBe(0);
  });

  it('control-plane: fan-out latency from the event timestamp, bad frames counted', async () => {
    const { server, port } = await http();
    const wss = wsServer(server, (ws) => {
      const t = setInterval(() => ws.send(JSON.stringify({ event: 'job:progress', data: { jobId: 'j', percent: 5, timestamp: new Date().toISOString() } })), 100);
      ws.send('not json');
      ws.on('close', () => clearInterval(t));
    });
    const { count } = await runVu('control-plane', { BASE_URL: `ws://127.0.0.1:${port}` });
    wss.close();
    server.close();
    expect(count('control_plane_fanout_ms')).toBeGreaterThanOrEqual(10);
    expect(count('control_plane_fanout_ms', (v) => v > 1000)).toBe(0);
    expect(count('control_plane_protocol_errors')).toBe(1);
    expect(count('control_plane_lifecycle_success', (v) => v === 0)).toBe(0);
  });
});
