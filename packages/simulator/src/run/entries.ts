/**
 * Where the simulator's extra entry points are (the backend child process and
 * the worker-thread entry), and how to start Node on them: from the
 * TypeScript sources in a dev checkout (tsx, `source` condition), from the
 * built files in dist otherwise.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
/** True when running from src/*.ts (tsx), false from dist. */
export const FROM_SOURCES = here.endsWith('.ts');

/** The file of entry `name` (e.g. 'worker'), in src/run or dist/run. */
export function entryFile(name: 'worker' | 'backend-child'): string {
  if (FROM_SOURCES) return join(dirname(here), `${name}.ts`);
  // Bundled code may live in dist/index.js or dist/cli/main.js: find dist/ and go to dist/run.
  let dir = dirname(here);
  while (!dir.endsWith(`${'/'}dist`) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'run', `${name}.js`);
}

/** Node flags an entry needs: tsx and the source condition from sources, none from dist. */
export function entryExecArgv(): string[] {
  return FROM_SOURCES ? ['--conditions=source', '--import', 'tsx'] : [];
}
