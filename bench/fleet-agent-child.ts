/**
 * One side of bench/fleet-agent.ts, run in its own process so each variant's
 * memory is measured from a clean baseline. Prints one JSON line.
 *   --mode sdk|raw  --n clients  --url  --phase memory|throughput  --seconds
 */
import { io } from 'socket.io-client';
import { FleetAgent } from '@fleetwire/sdk';

const args = Object.fromEntries(process.argv.slice(2).reduce<[string, string][]>((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1] ?? '']] : acc), []));
const mode = args.mode as 'sdk' | 'raw';
const n = Number(args.n);
const url = args.url!;
const phase = args.phase as 'memory' | 'throughput';
const seconds = Number(args.seconds ?? 5);

const metrics = {
  cpuTemp: 45.5, cpuUsagePercent: 35, gpuTemp: [60, 58], gpuUtilization: [80, 10], gpuMemoryUsedMb: [12000, 2000],
  ramUsageMb: 32000, ramTotalMb: 65536, diskUsageGb: 500, diskTotalGb: 2000, networkRxMbps: 125.5, networkTxMbps: 45.2,
};
const gc = (globalThis as { gc?: () => void }).gc!;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
};

interface Client {
  beat(onAck: () => void): void;
  close(): void;
}

function rawClient(i: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const s = io(`${url}/fleet`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { Authorization: 'Bearer bench' },
      auth: { token: 'bench', nodeId: `raw-${i}` },
    });
    const hb = { nodeId: `raw-${i}`, status: 'online', metrics };
    // The least a hand-written agent does: listen for the three commands and for
    // disconnects, and keep a heartbeat timer. Without these the baseline would
    // be a socket, not an agent.
    const commands: unknown[] = [];
    for (const e of ['start_instance', 'stop_instance', 'drain_node']) s.on(e, (p: unknown) => commands.push(p));
    s.on('disconnect', () => clearInterval(timer));
    const timer = setInterval(() => s.emit('heartbeat', hb, () => {}), 3_600_000);
    s.once('connect', () =>
      resolve({
        beat: (onAck) => s.emit('heartbeat', hb, onAck),
        close: () => {
          clearInterval(timer);
          s.close();
        },
      }),
    );
    s.once('connect_error', reject);
  });
}

function sdkClient(i: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    // A very long interval: the bench drives heartbeats itself.
    const a = new FleetAgent({ url, apiKey: 'bench', nodeId: `sdk-${i}`, metrics: () => metrics, heartbeatIntervalMs: 3_600_000 });
    let onAck: (() => void) | null = null;
    a.on('heartbeat_ack', () => onAck?.());
    a.once('connected', () =>
      resolve({
        beat: (cb) => {
          onAck = cb;
          void a.heartbeatNow();
        },
        close: () => a.close(),
      }),
    );
    a.on('error', reject);
    a.connect();
  });
}

async function main(): Promise<void> {
  const make = mode === 'sdk' ? sdkClient : rawClient;
  // Warm the module graph with one client so its code is not counted per connection.
  (await make(-1)).close();
  await settle();
  const before = process.memoryUsage();
  const clients: Client[] = [];
  for (let i = 0; i < n; i += 50) clients.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => make(i + k)))));

  if (phase === 'memory') {
    // One acked heartbeat each, so both variants have exercised their send path.
    await Promise.all(clients.map((c) => new Promise<void>((r) => c.beat(r))));
    await settle();
    const after = process.memoryUsage();
    console.log(JSON.stringify({ mode, n, rssPerConn: (after.rss - before.rss) / n, heapPerConn: (after.heapUsed - before.heapUsed) / n }));
  } else {
    let acks = 0;
    let running = true;
    for (const c of clients) {
      const loop = () => {
        acks++;
        if (running) c.beat(loop);
      };
      c.beat(loop);
    }
    await new Promise((r) => setTimeout(r, 500)); // warm-up
    const start = acks;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const rate = ((acks - start) / (performance.now() - t0)) * 1000;
    running = false;
    console.log(JSON.stringify({ mode, n, acksPerSec: rate }));
  }
  for (const c of clients) c.close();
  process.exit(0);
}

void main();
