/**
 * `fleetwire-mock --workers N`: the primary (forks, holds the fleet state,
 * prints the start line, handles signals) or, in a forked process, one worker.
 * Same exit codes as one process: 0 clean stop, 1 failed to start.
 */
import cluster from 'node:cluster';
import type { KeyStore } from '../keys.js';
import type { ServeCommand } from './args.js';
import { watchParent, writePidFile } from './lifetime.js';
import { FW } from '../cluster/ops.js';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../shutdown.js';

export async function serveCluster(cmd: ServeCommand, keys: KeyStore | undefined): Promise<number> {
  return cluster.isPrimary ? primary(cmd, keys) : worker(cmd, keys);
}

async function primary(cmd: ServeCommand, keys: KeyStore | undefined): Promise<number> {
  const [{ startPrimary }, { describe }] = await Promise.all([import('../cluster/primary.js'), import('./print.js')]);
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let removePid = () => undefined as void;
  let run: Awaited<ReturnType<typeof startPrimary>>;
  try {
    run = await startPrimary({
      workers: cmd.workers!,
      keys,
      stateFile: cmd.options.stateFile,
      log: (line) => process.stderr.write(`${line}\n`),
      onFailed: (f) => process.stderr.write(`fleetwire-mock: cannot start: ${f.message}\n`),
      onReady: (info) => {
        // The pid file and signal handlers are up before the line: whoever reads it may signal at once.
        process.stdout.write(cmd.json ? `${JSON.stringify(info)}\n` : `${describe(info as never)}\n`);
      },
    });
  } catch (err) {
    process.stderr.write(`fleetwire-mock: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  removePid = cmd.pidFile ? writePidFile(cmd.pidFile) : () => undefined;
  let stopping = false;
  const stop = (why: string, code: number) => {
    if (stopping) return resolveDone(130);
    stopping = true;
    if (!cmd.json && code === 0) process.stdout.write(`\n${why}: stopping the workers…\n`);
    // Each worker bounds its own close by --shutdown-grace; the primary SIGKILLs a worker only
    // if it is still there well after that (a worker that hangs for another reason).
    run.stop((cmd.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS) + 10_000).then(
      () => (removePid(), resolveDone(code)),
      (err) => {
        removePid();
        process.stderr.write(`fleetwire-mock: shutdown failed: ${(err as Error).message}\n`);
        resolveDone(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGHUP', () => stop('SIGHUP', 0));
  if (cmd.exitWithParent) watchParent(() => stop('parent process exited', 0));
  void run.failed.then(() => stop('a worker failed', 1));
  return done;
}

async function worker(cmd: ServeCommand, keys: KeyStore | undefined): Promise<number> {
  const [{ startWorker }, { consoleLogger }, { startInfo, startFailure }] = await Promise.all([
    import('../cluster/worker.js'),
    import('../logger.js'),
    import('./print.js'),
  ]);
  let run;
  try {
    run = await startWorker(cmd.options, keys, cmd.verbose ? consoleLogger : undefined, cmd.redisUrl);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number };
    const message = await startFailure(err, cmd.options);
    await new Promise<void>((resolve) => (process.connected ? process.send!({ fw: FW, kind: 'failed', message, code: e.code, port: e.port }, undefined, {}, () => resolve()) : resolve()));
    return 1;
  }
  process.send!({ fw: FW, kind: 'ready', info: startInfo(run.backend, cmd.keysFile) });
  return new Promise<number>((resolve) => {
    const stop = () => run.stop().then(() => resolve(0), () => resolve(1));
    // The primary stops workers with SIGTERM; Ctrl-C reaches the whole process group;
    // a primary that died (SIGKILL) closes the IPC channel: no orphan keeps the ports.
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', stop);
    process.on('disconnect', stop);
  });
}
