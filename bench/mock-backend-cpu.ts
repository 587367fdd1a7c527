/**
 * Backend CPU per acked fleet heartbeat: this tree's mock against a baseline commit's
 * mock, in one run (issue 16: target ≤ 0.7× of the baseline), and a bare Socket.IO
 * server that only acks — the floor any mock speaking fleet's Socket.IO pays.
 *
 *   npm run bench -- mock-backend-cpu [--baseline=<commit>] [--agents=3000] [--interval=2]
 *                                     [--seconds=20] [--rounds=2] [--prof] [--no-bare] [--together]
 *
 * The baseline commit is checked out once into a git worktree under
 * node_modules/.cache/fleetwire-bench/ (so its imports resolve through this tree's
 * node_modules; the sdk it validates with is this tree's). Each phase starts one
 * backend in its own process, connects the same simulated fleet to it from another
 * process (socket.io-client agents, heartbeats spread evenly, acks), lets it warm up,
 * then reads the backend's process.cpuUsage() and the acks counted by the fleet over
 * the measured window. Baseline and candidate alternate (and swap order every round),
 * so a busy neighbour hits both alike. `--prof` writes a .cpuprofile of each backend's
 * measured window to .bench-out/ (the inspector's profiler runs only then, so the
 * CPU figure of a --prof run includes its overhead). 127.0.0.1 only; every phase is bounded in time.
 */
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHILD = fileURLToPath(new URL('./mock-backend-cpu-child.ts', import.meta.url));
/** The mock before issue 16's hot-path work (hub main when it started). */
const DEFAULT_BASELINE = '938e457';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const num = (name: string, def: number) => {
  const v = Number(flag(name) ?? def);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${flag(name)}`);
  return v;
};

function baselineTree(commit: string): string {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = `${ROOT}node_modules/.cache/fleetwire-bench/mock-${sha.slice(0, 12)}`;
  if (!existsSync(`${dir}/packages/mock-backend/src/backend.ts`)) {
    mkdirSync(`${ROOT}node_modules/.cache/fleetwire-bench`, { recursive: true });
    execFileSync('git', ['worktree', 'add', '--detach', '--force', dir, sha], { cwd: ROOT, stdio: 'ignore' });
  }
  return dir;
}

interface Kid {
  proc: ChildProcess;
  ask<T>(msg: string, key: keyof T): Promise<T>;
  first<T>(key: keyof T, timeoutMs: number): Promise<T>;
}

function child(args: string[], execArgv: string[] = []): Kid {
  const proc = fork(CHILD, args, { execArgv: ['--conditions=source', '--import', 'tsx', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const first = <T>(key: keyof T, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => (proc.off('message', on), reject(new Error(`child ${args.join(' ')}: no ${String(key)} within ${timeoutMs} ms`))), timeoutMs);
      const on = (m: Record<string, unknown>) => {
        if ('error' in m) return (clearTimeout(timer), proc.off('message', on), reject(new Error(String(m.error))));
        if (key in m) (clearTimeout(timer), proc.off('message', on), resolve(m as T));
      };
      proc.on('message', on);
    });
  return { proc, first, ask: (msg, key) => (proc.send(msg), first(key, 60_000)) };
}

interface Phase { cpuUsPerAck: number; acksPerS: number; rssMb: number }

type Opts = { agents: number; intervalMs: number; warmMs: number; measureMs: number; prof: boolean };

/**
 * Measures the contenders of `group` over one window: one of them (the alternating mode), or all
 * at once (`--together`: every backend and its fleet run side by side, so a busy neighbour hits
 * them in the same seconds — the paired ratio is steadier, at the price of them sharing the cores).
 */
async function phase(group: { name: string; path: string }[], o: Opts): Promise<Phase[]> {
  const runs = group.map((c) => ({ c, host: child(['--role=host', `--backend=${c.path}`]), load: null as Kid | null }));
  try {
    await Promise.all(
      runs.map(async (r) => {
        const { url } = await r.host.first<{ url: string }>('url', 60_000);
        r.load = child(['--role=load', `--url=${url}`, `--agents=${o.agents}`, `--interval-ms=${o.intervalMs}`]);
        await r.load.first('ready', 180_000);
      }),
    );
    await new Promise((res) => setTimeout(res, o.warmMs));
    if (o.prof) await Promise.all(runs.map((r) => r.host.ask('prof-start', 'profiling' as never)));
    const before = await Promise.all(runs.map(async (r) => ({ c: await r.host.ask<{ cpuUs: number }>('cpu', 'cpuUs'), a: await r.load!.ask<{ acks: number }>('acks', 'acks') })));
    const t0 = performance.now();
    await new Promise((res) => setTimeout(res, o.measureMs));
    const after = await Promise.all(
      runs.map(async (r) => ({ c: await r.host.ask<{ cpuUs: number; rss: number }>('cpu', 'cpuUs'), a: await r.load!.ask<{ acks: number; refused: number; connected: number }>('acks', 'acks') })),
    );
    const secs = (performance.now() - t0) / 1000;
    if (o.prof) {
      for (const r of runs) {
        const file = `${ROOT}.bench-out/mock-backend-cpu-${r.c.name.replace(/\W+/g, '-')}-${Date.now()}.cpuprofile`;
        await r.host.ask(`prof-stop ${file}`, 'profiled' as never);
        console.log(`  profile of the measured window: ${file}`);
      }
    }
    return runs.map((r, i) => {
      const acks = after[i]!.a.acks - before[i]!.a.acks;
      if (acks <= 0 || after[i]!.a.refused > 0) throw new Error(`${r.c.name}: ${acks} acks, ${after[i]!.a.refused} refused in the window`);
      if (after[i]!.a.connected < o.agents) console.log(`  (${r.c.name}: ${o.agents - after[i]!.a.connected} agents dropped during the phase)`);
      return { cpuUsPerAck: (after[i]!.c.cpuUs - before[i]!.c.cpuUs) / acks, acksPerS: acks / secs, rssMb: after[i]!.c.rss / 2 ** 20 };
    });
  } finally {
    await Promise.all(
      runs.map(async ({ host, load }) => {
        if (load) {
          await load.ask('stop', 'stopped' as never).catch(() => undefined);
          load.proc.kill();
        }
        const exited = new Promise((r) => (host.proc.exitCode !== null ? r(null) : host.proc.once('exit', r)));
        await host.ask('stop', 'stopped' as never).catch(() => undefined);
        const killer = setTimeout(() => host.proc.kill('SIGKILL'), 30_000);
        await exited;
        clearTimeout(killer);
      }),
    );
  }
}

async function main(): Promise<void> {
  const agents = num('agents', 3000), intervalS = num('interval', 2), seconds = num('seconds', 20), rounds = num('rounds', 2);
  const prof = process.argv.includes('--prof');
  const together = process.argv.includes('--together');
  if (prof) mkdirSync(`${ROOT}.bench-out`, { recursive: true });
  const baseCommit = flag('baseline') ?? DEFAULT_BASELINE;
  const contenders = [
    { name: `baseline ${baseCommit}`, path: `${baselineTree(baseCommit)}/packages/mock-backend/src/backend.ts` },
    { name: 'this tree', path: `${ROOT}packages/mock-backend/src/backend.ts` },
    // The floor: what Socket.IO itself costs per ack, with no validation, state or metrics.
    ...(process.argv.includes('--no-bare') ? [] : [{ name: 'bare Socket.IO', path: 'bare' }]),
  ];
  const o = { agents, intervalMs: intervalS * 1000, warmMs: 5000, measureMs: seconds * 1000, prof };
  const la = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`mock-backend CPU per acked heartbeat: ${agents} agents × 1 heartbeat / ${intervalS} s, ${seconds} s measured after 5 s warm-up, ${rounds} rounds${together ? ', all backends at once (--together)' : ''}, Node ${process.version}, load average ${la()}`);
  const results = new Map<string, Phase[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    const groups = together ? [order] : order.map((c) => [c]);
    for (const g of groups) {
      const ps = await phase(g, o);
      g.forEach((c, i) => {
        const p = ps[i]!;
        results.get(c.name)!.push(p);
        console.log(`  round ${r + 1}  ${c.name.padEnd(20)} ${p.cpuUsPerAck.toFixed(1).padStart(6)} µs CPU/ack  ${Math.round(p.acksPerS).toLocaleString('en').padStart(6)} acks/s  RSS ${p.rssMb.toFixed(0)} MB  (load ${la()})`);
      });
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const [base, cand, bare] = contenders.map((c) => median(results.get(c.name)!.map((p) => p.cpuUsPerAck))) as [number, number, number | undefined];
  console.log(`\nmedian backend CPU per acked heartbeat: baseline ${base.toFixed(1)} µs, this tree ${cand.toFixed(1)} µs${bare === undefined ? '' : `, bare Socket.IO ${bare.toFixed(1)} µs`}`);
  const ratio = cand / base;
  console.log(`ratio this tree / baseline: ${ratio.toFixed(2)}×  ${ratio <= 0.7 ? '(meets ≤ 0.7×)' : '(above the 0.7× target)'}`);
  if (bare !== undefined) console.log(`ratio bare Socket.IO / baseline: ${(bare / base).toFixed(2)}×  (the floor for any mock on Socket.IO)   this tree / bare: ${(cand / bare).toFixed(2)}×`);
  // Paired per round (same seconds with --together, neighbouring minutes otherwise): steadier than a ratio of medians.
  const paired = (name: string) => median(results.get(name)!.map((p, i) => p.cpuUsPerAck / results.get(contenders[0]!.name)![i]!.cpuUsPerAck));
  const perRound = (name: string) => results.get(name)!.map((p, i) => (p.cpuUsPerAck / results.get(contenders[0]!.name)![i]!.cpuUsPerAck).toFixed(2)).join(' / ');
  console.log(`paired per round, × baseline: this tree ${perRound(contenders[1]!.name)} (median ${paired(contenders[1]!.name).toFixed(2)}×)${contenders[2] ? `; bare Socket.IO ${perRound(contenders[2].name)} (median ${paired(contenders[2].name).toFixed(2)}×)` : ''}`);
  console.log(`load average ${la()}`);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
