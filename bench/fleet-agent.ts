/**
 * bench/fleet-agent.ts — FleetAgent vs raw socket.io-client, in one run.
 *
 *   npm run bench -- fleet-agent        (or: node --conditions=source --import tsx bench/fleet-agent.ts)
 *
 * - memory: RSS and heap per connection of N FleetAgents vs N raw socket.io-client
 *   agents connected to the same /fleet server (each variant in a fresh process,
 *   after GC, module code excluded). The raw baseline is the least a hand-written
 *   agent does: one socket, listeners for the three commands and disconnect, and
 *   a heartbeat timer. Target ≤ 1.2× raw.
 * - throughput: acked heartbeats per second, each client sending the next as soon
 *   as the previous ack returns. Target ≥ 0.9× raw.
 * Variants alternate (raw, sdk, raw, sdk, …) and medians are compared, so a noisy
 * neighbour on this shared box hits both alike.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const N_MEM = Number(process.env.BENCH_N ?? 1000);
const N_TPUT = Number(process.env.BENCH_TPUT_CLIENTS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const child = fileURLToPath(new URL('./fleet-agent-child.ts', import.meta.url));

function run(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', child, ...args], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`child failed: ${stderr || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  // The control-plane side is the same bare server for both: only the client differs.
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.of('/fleet').on('connection', (s) => s.on('heartbeat', (_p: unknown, ack: (a: unknown) => void) => ack({ success: true })));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as { port: number }).port}`;

  const mem: Record<'sdk' | 'raw', { rss: number[]; heap: number[] }> = { sdk: { rss: [], heap: [] }, raw: { rss: [], heap: [] } };
  const tput: Record<'sdk' | 'raw', number[]> = { sdk: [], raw: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of ['raw', 'sdk'] as const) {
      const m = await run(['--mode', mode, '--n', String(N_MEM), '--url', url, '--phase', 'memory']);
      mem[mode].rss.push(m.rssPerConn!);
      mem[mode].heap.push(m.heapPerConn!);
      const t = await run(['--mode', mode, '--n', String(N_TPUT), '--url', url, '--phase', 'throughput', '--seconds', String(SECONDS)]);
      tput[mode].push(t.acksPerSec!);
      process.stderr.write(`round ${r + 1}/${ROUNDS} ${mode}: rss/conn ${(m.rssPerConn! / 1024).toFixed(1)} KB, heap/conn ${(m.heapPerConn! / 1024).toFixed(1)} KB, ${t.acksPerSec!.toFixed(0)} acks/s\n`);
    }
  }
  io.close();

  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const rows = [
    ['metric', 'raw socket.io-client', 'FleetAgent', 'ratio', 'target'],
    ['RSS per connection', kb(median(mem.raw.rss)), kb(median(mem.sdk.rss)), (median(mem.sdk.rss) / median(mem.raw.rss)).toFixed(2) + '×', '≤ 1.20×'],
    ['heap per connection', kb(median(mem.raw.heap)), kb(median(mem.sdk.heap)), (median(mem.sdk.heap) / median(mem.raw.heap)).toFixed(2) + '×', '≤ 1.20×'],
    ['acked heartbeats/s', median(tput.raw).toFixed(0), median(tput.sdk).toFixed(0), (median(tput.sdk) / median(tput.raw)).toFixed(2) + '×', '≥ 0.90×'],
  ];
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`\nFleetAgent vs raw socket.io-client — ${N_MEM} connections (memory), ${N_TPUT} clients × ${SECONDS} s (throughput), median of ${ROUNDS} alternating rounds\n`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i]!)).join('  '));
}

void main();
