/**
 * CPU time and RSS of a process tree, read from /proc (Linux only): for benches
 * that run the mock backend and the simulator as child processes, each with
 * children of its own (cluster workers, simulator processes).
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const HZ = 100;

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended between listing and reading
  }
}

/** `pid` and every descendant, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    out.push(p);
    for (const t of tasks) {
      const kids = read(`/proc/${p}/task/${t}/children`);
      if (kids) for (const k of kids.trim().split(/\s+/).filter(Boolean)) stack.push(Number(k));
    }
  }
  return out;
}

export interface TreeSample {
  /** Wall clock, ms since the epoch. */
  at: number;
  /** User + system CPU seconds used so far by the processes alive now. */
  cpuS: number;
  /** Sum of their resident set sizes, bytes. */
  rssBytes: number;
  /** How many processes the tree has. */
  processes: number;
}

/** One reading of the tree under `pid`. CPU is cumulative per process, so take differences between readings. */
export function sampleTree(pid: number): TreeSample {
  let cpu = 0;
  let rss = 0;
  const pids = processTree(pid);
  for (const p of pids) {
    const stat = read(`/proc/${p}/stat`);
    if (stat) {
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu += (Number(f[11]) + Number(f[12])) / HZ; // utime, stime (fields 14 and 15)
    }
    const status = read(`/proc/${p}/status`);
    const m = status && /VmRSS:\s+(\d+) kB/.exec(status);
    if (m) rss += Number(m[1]) * 1024;
  }
  return { at: Date.now(), cpuS: cpu, rssBytes: rss, processes: pids.length };
}
