/**
 * Huge frames are bad input like any other: nothing is buffered without bound
 * and the backend goes on serving everyone else. Where the dialect's document
 * lets a peer be dropped for it, the sender loses its connection (Socket.IO:
 * maxHttpBufferSize; ws: maxPayload → 1009). control-plane never disconnects for
 * client input and lightd only for an expired token: there a frame over 64 KiB
 * is ignored (control-plane) or answered with an error daemon message (lightd),
 * and only the 16 MiB socket memory cap closes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { FleetAgent } from '@fleetwire/sdk';
import { once, sampleMetrics, until } from '../../../test-support/index.js';

const KEY = 'huge-frames-key';
let b: MockBackend | null = null;
afterEach(async () => {
  await b?.close();
  b = null;
});

const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)));

describe('huge frames', () => {
  it('fleet: a 2 MB heartbeat costs its sender the connection; other agents keep being acked', async () => {
    b = await startMockBackend({ ephemeral: true, keys: [KEY] });
    const raw = io(`${b.fleetUrl}/fleet`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: KEY, nodeId: 'big' } });
    await new Promise<void>((r) => raw.once('connect', () => r()));
    const gone = new Promise<string>((r) => raw.once('disconnect', (reason) => r(reason)));
    raw.emit('heartbeat', { nodeId: 'big', status: 'online', metrics: { ...sampleMetrics(), padding: 'x'.repeat(2 * 1024 * 1024) } });
    expect(await gone).toBe('transport close');
    raw.close();

    const a = new FleetAgent({ url: b.fleetUrl, apiKey: KEY, nodeId: 'small', metrics: sampleMetrics, heartbeatIntervalMs: 60_000 });
    const ack = once(a, 'heartbeat_ack');
    a.connect();
    await ack;
    a.close();
    expect(b.state.fleet.nodes.get('big')?.heartbeats ?? 0).toBe(0);
  });

  it.each([
    ['vstats agent', (m: MockBackend) => `ws://127.0.0.1:${m.endpoints.vstats!.port}/ws/agent?token=${KEY}`],
  ])('%s: a frame over maxPayload is closed with 1009; a new client is served', async (_name, url) => {
    b = await startMockBackend({ ephemeral: true, keys: [KEY] });
    const big = new WebSocket(url(b));
    await opened(big);
    const code = closeCode(big);
    big.send('x'.repeat(2 * 1024 * 1024));
    expect(await code).toBe(1009);
    const next = new WebSocket(url(b));
    await opened(next);
    next.close();
  });

  it('control-plane: client frames over 64 KiB (2 MB here) are ignored and logged; the stream stays up', async () => {
    b = await startMockBackend({ ephemeral: true, keys: [KEY] });
    const ws = new WebSocket(`ws://127.0.0.1:${b.endpoints.controlPlane!.port}/ws`);
    const events: { event: string }[] = [];
    ws.on('message', (d) => events.push(JSON.parse(d.toString())));
    let closed: number | null = null;
    ws.on('close', (code) => (closed = code));
    await opened(ws);
    ws.send('x'.repeat(70 * 1024));
    ws.send(JSON.stringify({ event: 'job:created', padding: 'y'.repeat(2 * 1024 * 1024) }));
    const cp = b.servers.controlPlane!;
    await until(() => cp.counters.ignoredMessages === 2, 'both frames ignored');
    // Still subscribed: the next event reaches it.
    const a = new FleetAgent({ url: b.fleetUrl, apiKey: KEY, nodeId: 'after-big', metrics: sampleMetrics, heartbeatIntervalMs: 60_000 });
    const ack = once(a, 'heartbeat_ack');
    a.connect();
    await ack;
    a.close();
    await until(() => events.some((e) => e.event.startsWith('agent:')), 'an agent event after the big frames');
    expect(closed).toBeNull();
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('lightd: a client message over 64 KiB gets an error daemon message; the console stays open', async () => {
    b = await startMockBackend({ ephemeral: true, keys: [KEY] });
    b.state.lightd.createContainer('c1', { state: 'running' });
    const token = b.state.lightd.createToken({ internalId: 'c1' }).token;
    const ws = new WebSocket(`ws://127.0.0.1:${b.endpoints.lightd!.port}/ws/c1?token=${token}`);
    const frames: { event: string; data?: unknown }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    let closed: number | null = null;
    ws.on('close', (code) => (closed = code));
    await opened(ws);
    ws.send(JSON.stringify({ event: 'send_command', command: 'z'.repeat(100 * 1024) }));
    await until(() => frames.some((f) => f.event === 'daemon_message'), 'the error daemon message');
    expect(frames.find((f) => f.event === 'daemon_message')!.data).toMatch(/^Error: message too large \(\d+ bytes; at most 65536\)$/);
    ws.send(JSON.stringify({ event: 'request_logs' }));
    await until(() => frames.some((f) => f.event === 'logs'), 'logs after the big frame');
    expect(closed).toBeNull();
    ws.close();
  });
});
