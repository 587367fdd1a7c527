/**
 * How a backgrounded mock is stopped. `npm run mock &` puts npm, then `sh -c`,
 * then node in the chain: `kill $!` signals npm, and whether the signal reaches
 * node depends on the npm and shell versions. So the mock also watches its
 * parent and stops when it is gone (re-parented), and can write a pid file.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Calls `onGone` once when this process's parent has exited. Polls every `everyMs` (default 500); the timer never holds the process. */
export function watchParent(onGone: () => void, everyMs = 500): () => void {
  const first = parentPid();
  const chain = ancestors();
  const timer = setInterval(() => {
    // Re-parented (to init or a subreaper) means the parent died. An ancestor that died
    // (npm, killed while its `sh -c` still waits for us) counts too.
    if (parentPid() !== first || chain.some((pid) => !alive(pid))) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The current parent pid: /proc/self/stat on Linux (Node 20 caches process.ppid at start), else process.ppid. */
function parentPid(): number {
  try {
    return ppidOf(readFileSync('/proc/self/stat', 'utf8'));
  } catch {
    return process.ppid;
  }
}

/** Field 4 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces). */
const ppidOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The launcher chain above this process while it is npm / npx / a shell started
 * by them (read from /proc on Linux; empty elsewhere). Stops at the first other
 * process: a mock run from an interactive shell watches only its direct parent.
 */
function ancestors(): number[] {
  const out: number[] = [];
  let pid = process.ppid;
  for (let i = 0; i < 4 && pid > 1; i++) {
    let stat: string;
    let cmdline: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      break;
    }
    const isLauncher = /(^|\/)(npm|npx|npm-cli\.js|npx-cli\.js)\b|\bnpm (run|exec)\b|^(\/bin\/)?sh -c /.test(cmdline) || /npm-cli|npx-cli/.test(cmdline);
    if (!isLauncher) break;
    out.push(pid);
    const ppid = ppidOf(stat);
    if (!Number.isInteger(ppid)) break;
    pid = ppid;
  }
  return out;
}

/** Writes `process.pid` to `path`; returns a function that removes the file (only if it still holds our pid). */
export function writePidFile(path: string): () => void {
  writeFileSync(path, `${process.pid}\n`);
  const remove = () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
    } catch {
      /* already gone */
    }
  };
  process.once('exit', remove);
  return remove;
}
