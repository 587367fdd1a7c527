/**
 * The 2,000-agent side-by-side of issue 16. Not a test: prints a table.
 *
 * One mock backend in its own process (the same one for every variant); each
 * variant runs in a fresh child process (simulator-side-by-side-child.ts), so
 * CPU (process.cpuUsage) and peak RSS are that variant's alone:
 *   raw              — a minimal hand-written socket.io-client agent (the yardstick)
 *   floor            — no library at all: net sockets, WebSocket framing written
 *                      out, prebuilt frames, one 10 ms tick (sbs-floor-agent.ts):
 *                      what one socket per agent costs in system calls and
 *                      Node's net streams before any client code runs
 *   lean             — fleetwire-sim, lean transport (the default)
 *   socket.io-client — fleetwire-sim --transport socket.io-client
 * Per round every variant runs once (the order rotates each round); per
 * variant: simulator CPU per acked heartbeat during the hold, peak RSS per
 * agent above the warmed-up baseline, ack p50 / p99 during the hold. Ratios to
 * raw are taken within a round, and the table shows their median and range.
 *
 *   npm run bench -- simulator-side-by-side                       (~10 min: 2 rounds × 4 variants × ~75 s)
 *   BENCH_SBS_AGENTS=500 BENCH_SBS_HOLD_S=10 BENCH_SBS_ROUNDS=1 npm run bench -- simulator-side-by-side   (a quick look)
 *   BENCH_SBS_BUILT=1 …   runs the children from an esbuild bundle instead of through tsx
 *   BENCH_SBS_PROFILE_DIR=/tmp/prof BENCH_SBS_VARIANTS=lean …   a CPU profile per child
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetPlan } from '../packages/simulator/src/model/fleet-plan.js';
import { startEmbedded } from '../packages/simulator/src/run/embedded.js';

const N = Number(process.env.BENCH_SBS_AGENTS ?? 2000);
const HOLD_S = Number(process.env.BENCH_SBS_HOLD_S ?? 60);
const ROUNDS = Number(process.env.BENCH_SBS_ROUNDS ?? 2);
const RAMP = Number(process.env.BENCH_SBS_RAMP ?? 500);
const HB_MS = Number(process.env.BENCH_SBS_HEARTBEAT_MS ?? 5000);
const BUILT = process.env.BENCH_SBS_BUILT === '1';
const KNOWN = ['raw', 'floor', 'lean', 'socket.io-client'];
const VARIANTS = (process.env.BENCH_SBS_VARIANTS ?? KNOWN.join(',')).split(',');
const unknown = VARIANTS.filter((v) => !KNOWN.includes(v));
if (unknown.length) {
  console.error(`BENCH_SBS_VARIANTS: unknown variant(s) ${unknown.join(', ')}; known: ${KNOWN.join(', ')}`);
  process.exit(2);
}
/** A folder: each child writes a V8 CPU profile there (node --cpu-prof). */
const PROFILE_DIR = process.env.BENCH_SBS_PROFILE_DIR;

interface Result {
  variant: string;
  agents: number;
  connected: number;
  acked: number;
  wallMs: number;
  cpuUs: number;
  userUs: number;
  systemUs: number;
  cpuUsPerAck: number;
  rssPerAgentB: number;
  p50: number;
  p99: number;
  load: [number, number];
}

const childTs = fileURLToPath(new URL('./simulator-side-by-side-child.ts', import.meta.url));
let childFile = childTs;
let execArgv = ['--conditions=source', '--import', 'tsx'];
let scratch: string | null = null;
if (BUILT) {
  // One bundle for all variants: the measured code is plain compiled JS, as a built fleetwire-sim runs it.
  const { build } = await import('esbuild');
  scratch = mkdtempSync(join(tmpdir(), 'fw-sbs-'));
  childFile = join(scratch, 'child.mjs');
  await build({
    entryPoints: [childTs],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    outfile: childFile,
    external: ['bufferutil', 'utf-8-validate'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  execArgv = [];
}

const seed = 'side-by-side';
const plan = new FleetPlan({ seed, agents: N });
const ids = plan.slice();
const backend = await startEmbedded({ keys: ids.map((a) => a.key), nodeIds: ids.map((a) => a.nodeId), rentalsPerMinute: 0, seed, where: 'child' });
console.log(`mock backend in its own process (pid ${backend.pid}) at ${backend.url}; ${N} agents, ${HB_MS / 1000} s heartbeats, ${HOLD_S} s hold, ${ROUNDS} round(s), children ${BUILT ? 'from an esbuild bundle' : 'through tsx'}`);
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

function runChild(variant: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const prof = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${variant}-${Date.now()}.cpuprofile`] : [];
    const c = fork(childFile, [variant, backend.url, String(N), String(HOLD_S), String(RAMP), String(HB_MS)], { execArgv: [...execArgv, ...prof, '--max-old-space-size=2048'], stdio: 'inherit' });
    let got: Result | null = null;
    c.on('message', (m) => (got = m as Result));
    c.on('exit', (code) => (got ? resolve(got) : reject(new Error(`${variant} child exited with ${code} and no result`))));
  });
}

const results: Result[][] = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]!);
    const round: Result[] = [];
    for (const v of order) {
      const res = await runChild(v);
      round.push(res);
      console.log(
        `round ${r + 1} ${v.padEnd(16)} connected ${res.connected}/${N}, acked ${res.acked} in ${(res.wallMs / 1000).toFixed(1)} s, ` +
          `CPU ${(res.cpuUs / 1000).toFixed(0)} ms (user ${(res.userUs / 1000).toFixed(0)}, system ${(res.systemUs / 1000).toFixed(0)}) → ${res.cpuUsPerAck.toFixed(1)} µs/ack, RSS ${(res.rssPerAgentB / 1024).toFixed(1)} KB/agent, ` +
          `ack p50 ${res.p50.toFixed(2)} ms p99 ${res.p99.toFixed(2)} ms, load ${res.load.map((x) => x.toFixed(2)).join('→')}`,
      );
    }
    results.push(round);
  }
} finally {
  await backend.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const get = (round: Result[], v: string) => round.find((x) => x.variant === v)!;
// Without raw among the variants (a profile of one variant), there is nothing to divide by: ratios print as –.
const hasRaw = VARIANTS.includes('raw');
const span = (xs: number[]) => (xs.length > 1 ? ` (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})` : '');
console.log(`\n| variant | CPU µs / acked heartbeat | × raw | peak RSS / agent | × raw | ack p50 | ack p99 | acked in hold |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
for (const v of VARIANTS) {
  const rs = results.map((round) => get(round, v));
  const cpuRatios = hasRaw ? results.map((round) => get(round, v).cpuUsPerAck / get(round, 'raw').cpuUsPerAck) : [NaN];
  const rssRatios = hasRaw ? results.map((round) => get(round, v).rssPerAgentB / get(round, 'raw').rssPerAgentB) : [NaN];
  console.log(
    `| ${v} | ${median(rs.map((x) => x.cpuUsPerAck)).toFixed(1)} | ${median(cpuRatios).toFixed(2)}×${span(cpuRatios)} | ` +
      `${(median(rs.map((x) => x.rssPerAgentB)) / 1024).toFixed(1)} KB | ${median(rssRatios).toFixed(2)}×${span(rssRatios)} | ` +
      `${median(rs.map((x) => x.p50)).toFixed(2)} ms | ${median(rs.map((x) => x.p99)).toFixed(2)} ms | ${median(rs.map((x) => x.acked))} |`,
  );
}
console.log(`\nmedians over ${ROUNDS} round(s); ratios are per round (raw in the same round), median (min–max). Targets (issue 16): lean ≤ 0.5× raw CPU per acked heartbeat, ≤ 0.8× raw RSS per agent.`);
console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
process.exit(0);
