/**
 * Where the simulator's extra entry points are (the backend child process and
 * the worker-thread entry), and how to start Node on them: from the
 * TypeScript sources in a dev checkout (tsx, `source` condition), from the
 * built files in dist otherwise.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
/** True when running from src/*.ts (tsx), false from dist. */
export const FROM_SOURCES = here.endsWith('.ts');

/** The file of entry `name` (e.g. 'worker'), in src/run or dist/run. */
export function entryFile(name: 'worker' | 'process-worker' | 'backend-child'): string {
  if (FROM_SOURCES) return join(dirname(here), `${name}.ts`);
  // Bundled code may live in dist/index.js or dist/cli/main.js: find dist/ and go to dist/run.
  let dir = dirname(here);
  while (!dir.endsWith(`${'/'}dist`) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'run', `${name}.js`);
}

/**
 * How to start a worker thread on `name`: from sources, a .mjs bootstrap that
 * registers tsx (Node 20 ignores `--import` for workers) and imports the .ts
 * entry named in workerData.__entry; from dist, the built file itself.
 */
export function workerEntry(name: 'worker'): { file: string; execArgv: string[]; extraData: Record<string, string> } {
  if (!FROM_SOURCES) return { file: entryFile(name), execArgv: [], extraData: {} };
  return {
    file: join(dirname(here), 'worker-boot.mjs'),
    execArgv: ['--conditions=source'],
    extraData: { __entry: pathToFileURL(entryFile(name)).href },
  };
}

/** Node flags an entry needs: tsx and the source condition from sources, none from dist. */
export function entryExecArgv(): string[] {
  return FROM_SOURCES ? ['--conditions=source', '--import', 'tsx'] : [];
}
