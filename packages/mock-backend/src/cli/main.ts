#!/usr/bin/env node
/**
 * fleetwire-mock: the mock control plane as a command.
 * Dev: node --conditions=source --import tsx packages/mock-backend/src/cli/main.ts --ephemeral
 * Exit codes: 0 clean shutdown (SIGINT/SIGTERM) or done, 1 failed to start, 2 bad flags.
 */
import { startMockBackend, type MockBackend } from '../backend.js';
import { KeyStore, writeKeysFile } from '../keys.js';
import { consoleLogger } from '../logger.js';
import { parseArgs, UsageError } from './args.js';
import { describe, startInfo } from './print.js';

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
    await writeKeysFile(cmd.out, cmd.count);
    process.stdout.write(cmd.count === 1 ? `wrote 1 key to ${cmd.out}\n` : `wrote ${cmd.count} keys to ${cmd.out}\n`);
    return 0;
  }

  let backend: MockBackend;
  try {
    const keys = cmd.keysFile ? await KeyStore.fromFile(cmd.keysFile) : undefined;
    backend = await startMockBackend({ ...cmd.options, keys, logger: cmd.verbose ? consoleLogger : undefined });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number };
    const hint = e.code === 'EADDRINUSE' ? ` (port ${e.port ?? ''} is taken: pass --ephemeral or a --<dialect>-port)` : '';
    process.stderr.write(`fleetwire-mock: cannot start: ${e.message}${hint}\n`);
    return 1;
  }
  const info = startInfo(backend, cmd.keysFile);
  process.stdout.write(cmd.json ? `${JSON.stringify(info)}\n` : `${describe(info)}\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return resolve(130); // a second Ctrl-C: give up waiting
      stopping = true;
      if (!cmd.json) process.stdout.write(`\n${signal}: closing connections…\n`);
      backend.close().then(
        () => resolve(0),
        (err) => {
          process.stderr.write(`fleetwire-mock: shutdown failed: ${(err as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`fleetwire-mock: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
