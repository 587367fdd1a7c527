/**
 * Heartbeats per second the mock backend ingests (key check at the handshake,
 * schema validation, FleetState update, metrics, ack) against two baselines
 * measured in the same run: a bare Socket.IO server on /fleet that only acks
 * (Socket.IO does the JSON parse), and a bare `ws` server that JSON.parses and
 * sends an ack frame. Printed as ratios; target ≥ 0.8× of bare.
 *
 *   node --conditions=source --import tsx bench/mock-backend-ingest.ts [--clients=100] [--depth=4] [--seconds=4] [--rounds=3]
 *
 * The load runs in a child process (its own event loop, the box's other core),
 * closed-loop: each client keeps `depth` heartbeats in flight and sends the next
 * on each ack. 127.0.0.1 only; every phase is bounded in time.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { Server as IoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import { sampleMetrics } from '../test-support/index.js';

const arg = (name: string, def: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  const v = a ? Number(a.split('=')[1]) : def;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
};

const KEY = 'bench-key';
/** A heartbeat that passes the fleet schema (the metrics every test uses). */
const heartbeat = (nodeId: string) => ({ nodeId, status: 'online', metrics: sampleMetrics() });

interface Job { kind: 'io' | 'ws'; url: string; clients: number; depth: number; warmMs: number; measureMs: number }

// ── load generator (child process) ────────────────────────────────────────────────
async function load(job: Job): Promise<number> {
  const sockets: { close(): void }[] = [];
  let acks = 0;
  let counting = false;
  let stop = false;
  if (job.kind === 'io') {
    const { io } = await import('socket.io-client');
    await Promise.all(
      Array.from({ length: job.clients }, (_, i) => new Promise<void>((resolve, reject) => {
        const nodeId = `bench-${i}`;
        const s = io(`${job.url}/fleet`, { transports: ['websocket'], auth: { token: KEY, nodeId }, reconnection: false });
        sockets.push({ close: () => s.close() });
        const hb = heartbeat(nodeId);
        const send = () => {
          if (stop) return;
          s.emit('heartbeat', hb, (ack: { success?: boolean }) => {
            // Only a {success:true} ack counts: a server that rejects the heartbeat is not ingesting it.
            if (ack?.success !== true) throw new Error(`heartbeat not accepted: ${JSON.stringify(ack)}`);
            if (counting) acks++;
            send();
          });
        };
        s.once('connect', () => {
          for (let d = 0; d < job.depth; d++) send();
          resolve();
        });
        s.once('connect_error', reject);
      })),
    );
  } else {
    const { WebSocket } = await import('ws');
    await Promise.all(
      Array.from({ length: job.clients }, (_, i) => new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(job.url);
        sockets.push({ close: () => ws.close() });
        const hb = heartbeat(`bench-${i}`);
        let id = 0;
        const send = () => !stop && ws.send(JSON.stringify({ id: ++id, event: 'heartbeat', data: hb }));
        ws.on('message', () => {
          if (counting) acks++;
          send();
        });
        ws.once('open', () => {
          for (let d = 0; d < job.depth; d++) send();
          resolve();
        });
        ws.once('error', reject);
      })),
    );
  }
  await new Promise((r) => setTimeout(r, job.warmMs));
  counting = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, job.measureMs));
  counting = false;
  const rate = acks / ((performance.now() - t0) / 1000);
  stop = true;
  for (const s of sockets) s.close();
  return rate;
}

const IS_LOADER = process.argv.includes('--load-generator');
if (IS_LOADER) {
  process.once('message', (job: Job) => {
    load(job).then(
      (rate) => process.send!(rate, () => process.exit(0)),
      (err) => process.send!({ error: String(err) }, () => process.exit(1)),
    );
  });
}

// ── servers (main thread) ──────────────────────────────────────────────────
async function bareIo(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const io = new IoServer(http, { serveClient: false, transports: ['websocket'] });
  io.of('/fleet').on('connection', (s) => s.on('heartbeat', (_p: unknown, ack: (r: unknown) => void) => ack({ success: true })));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => io.close(() => r())) };
}

async function bareWs(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws) => ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as { id: number };
    ws.send(`{"id":${m.id},"success":true}`);
  }));
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}`, close: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }) };
}

async function mock(): Promise<{ url: string; close(): Promise<void> }> {
  const { startMockBackend } = await import('@fleetwire/mock-backend');
  const b = await startMockBackend({ ephemeral: true, keys: [KEY], ports: { admin: false } });
  return { url: b.fleetUrl, close: () => b.close() };
}

function runWorker(job: Job): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = fork(fileURLToPath(import.meta.url), ['--load-generator'], { execArgv: ['--conditions=source', '--import', 'tsx'] });
    const timer = setTimeout(() => (w.kill('SIGKILL'), reject(new Error('load generator timed out'))), job.warmMs + job.measureMs + 30_000);
    w.once('message', (m: number | { error: string }) => {
      clearTimeout(timer);
      typeof m === 'number' ? resolve(m) : reject(new Error(m.error));
    });
    w.once('error', (e) => (clearTimeout(timer), reject(e)));
    w.send(job);
  });
}

async function main(): Promise<void> {
  const clients = arg('clients', 100), depth = arg('depth', 4), seconds = arg('seconds', 4), rounds = arg('rounds', 3);
  const contenders = [
    { name: 'mock backend (fleet)', kind: 'io' as const, start: mock },
    { name: 'bare Socket.IO', kind: 'io' as const, start: bareIo },
    { name: 'bare ws', kind: 'ws' as const, start: bareWs },
  ];
  const rates = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  console.log(`mock-backend ingest: ${clients} clients × ${depth} in flight, ${seconds} s per measurement, ${rounds} interleaved rounds, Node ${process.version}`);
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) {
      const srv = await c.start();
      try {
        const rate = await runWorker({ kind: c.kind, url: srv.url, clients, depth, warmMs: 1000, measureMs: seconds * 1000 });
        rates.get(c.name)!.push(rate);
        console.log(`  round ${r + 1}  ${c.name.padEnd(22)} ${Math.round(rate).toLocaleString('en')} heartbeats/s`);
      } finally {
        await srv.close();
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = Object.fromEntries([...rates].map(([k, v]) => [k, median(v)]));
  const mockRate = m['mock backend (fleet)']!;
  console.log('\nmedian heartbeats/s (acked):');
  for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(22)} ${Math.round(v).toLocaleString('en').padStart(10)}`);
  const vsIo = mockRate / m['bare Socket.IO']!;
  const vsWs = mockRate / m['bare ws']!;
  console.log(`\nratio mock / bare Socket.IO: ${vsIo.toFixed(2)}×  ${vsIo >= 0.8 ? '(meets ≥ 0.8×)' : '(below the 0.8× target)'}`);
  console.log(`ratio mock / bare ws:        ${vsWs.toFixed(2)}×  ${vsWs >= 0.8 ? '(meets ≥ 0.8×)' : '(below the 0.8× target)'}`);
}

if (!IS_LOADER) {
  main().then(() => process.exit(0), (err) => {
    console.error(err);
    process.exit(1);
  });
}
