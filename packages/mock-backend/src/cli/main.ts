#!/usr/bin/env node
/**
 * fleetwire-mock: the mock control plane as a command.
 * Dev: node --conditions=source --import tsx packages/mock-backend/src/cli/main.ts --ephemeral
 * Exit codes: 0 clean shutdown (SIGINT/SIGTERM, or the parent exited) or done,
 * 1 failed to start (a port is taken), 2 bad flags or an unreadable --keys file.
 *
 * Only the argument parser is imported up front: the backend (socket.io, ws,
 * prom-client, the sdk's validators) is loaded after the flags are read, so
 * `--help` and bad flags answer at once.
 */
import { parseArgs, UsageError, type ServeCommand } from './args.js';
import { watchParent, writePidFile } from './lifetime.js';

async function main(argv: string[]): Promise<number> {
  let cmd;
  try {
    cmd = await parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`fleetwire-mock: ${err.message}\nRun fleetwire-mock --help for the options.\n`);
      return 2;
    }
    throw err;
  }
  if (cmd === null) return 0; // --help: yargs has printed it already
  if (cmd.kind === 'generate-keys') {
    const { writeKeysFile } = await import('../keys.js');
    await writeKeysFile(cmd.out, cmd.count);
    process.stdout.write(cmd.count === 1 ? `wrote 1 key to ${cmd.out}\n` : `wrote ${cmd.count} keys to ${cmd.out}\n`);
    return 0;
  }
  return serve(cmd);
}

/** How long past the grace period the CLI waits for close() (state file included) before it exits with 1. */
const SHUTDOWN_WATCHDOG_MS = 15_000;

async function serve(cmd: ServeCommand): Promise<number> {
  const { KeyStore } = await import('../keys.js');
  let keys;
  try {
    keys = cmd.keysFile ? await KeyStore.fromFile(cmd.keysFile) : undefined;
  } catch (err) {
    // An unreadable keys file is a bad command line, like a bad flag (the simulator says 2 too).
    process.stderr.write(`fleetwire-mock: ${(err as Error).message}\n`);
    return 2;
  }
  if (cmd.workers !== null) {
    const { serveCluster } = await import('./serve-cluster.js');
    return serveCluster(cmd, keys);
  }
  const [{ startMockBackend }, { consoleLogger }, { describe, startInfo, startFailure }, { DEFAULT_SHUTDOWN_GRACE_MS }] = await Promise.all([
    import('../backend.js'),
    import('../logger.js'),
    import('./print.js'),
    import('../shutdown.js'),
  ]);
  let backend;
  let redis: import('../cluster/adapter.js').AdapterHandle | null = null;
  try {
    if (cmd.redisUrl) redis = await (await import('../cluster/adapter.js')).redisAdapterHandle(cmd.redisUrl);
    backend = await startMockBackend({ ...cmd.options, keys, logger: cmd.verbose ? consoleLogger : undefined, ...(redis ? { scaleOut: { adapter: redis.adapter, home: true } } : {}) });
  } catch (err) {
    await redis?.close();
    process.stderr.write(`fleetwire-mock: cannot start: ${await startFailure(err, cmd.options)}\n`);
    return 1;
  }
  // Signal handlers and the pid file first, the start line last: whoever reads the line
  // (a script, a test) may signal at once, and the line means "ready to be stopped" too.
  const removePid = cmd.pidFile ? writePidFile(cmd.pidFile) : () => undefined;
  const done = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return resolve(130); // a second Ctrl-C: give up waiting
      stopping = true;
      if (!cmd.json) process.stdout.write(`\n${why}: closing connections…\n`);
      // close() destroys every socket after the grace period; this is the last resort should
      // anything else (a disk that stalls the --state-file write) keep it from finishing.
      const graceMs = cmd.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
      setTimeout(() => {
        process.stderr.write(`fleetwire-mock: shutdown did not finish within ${graceMs + SHUTDOWN_WATCHDOG_MS} ms; exiting anyway\n`);
        removePid();
        resolve(1);
      }, graceMs + SHUTDOWN_WATCHDOG_MS).unref();
      backend.close().then(() => redis?.close()).then(
        () => (removePid(), resolve(0)),
        (err) => {
          removePid();
          process.stderr.write(`fleetwire-mock: shutdown failed: ${(err as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGHUP', () => stop('SIGHUP'));
    if (cmd.exitWithParent) watchParent(() => stop('parent process exited'));
  });
  const info = startInfo(backend, cmd.keysFile);
  process.stdout.write(cmd.json ? `${JSON.stringify(info)}\n` : `${describe(info)}\n`);
  return done;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`fleetwire-mock: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
