/**
 * Huge frames are bad input like any other: the peer that sent one loses its
 * connection (Socket.IO: maxHttpBufferSize; ws: maxPayload → 1009), nothing is
 * buffered without bound, and the backend goes on serving everyone else.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { FleetAgent } from '@fleetwire/sdk';
import { once, sampleMetrics } from '../../../test-support/index.js';

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
    ['control-plane client', (m: MockBackend) => `ws://127.0.0.1:${m.endpoints.controlPlane!.port}/ws`],
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
});
