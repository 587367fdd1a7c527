#!/usr/bin/env node
/**
 * fleetwire-sim: `run` and `merge`. Dev (from sources):
 *   node --conditions=source --import tsx packages/simulator/src/cli/main.ts run --agents 100 --duration 20s
 * Exit codes: 0 ok, 1 a threshold failed, no agent got in / agents were refused (or the run could not start), 2 bad input.
 *
 * Only the argument parser is imported up front; the runner (sdk, socket.io,
 * the mock backend) loads after the flags are read, so --help answers at once.
 */
import { parseArgs } from './args.js';

async function main(argv: string[]): Promise<number> {
  const parsed = await parseArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n`);
    return parsed.exitCode;
  }
  if (parsed.command === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  const io = { stdout: process.stdout, stderr: process.stderr };
  if (parsed.command === 'merge') return (await (await import('./merge.js')).mergeCommand(parsed.options, io)).exitCode;
  return (await (await import('../run/run.js')).runSimulation(parsed.options, io)).exitCode;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Sockets and timers are closed by now; exit anyway so a stray handle cannot hold CI.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err) => {
    process.stderr.write(`fleetwire-sim: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
