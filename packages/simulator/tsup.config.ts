import { defineConfig } from 'tsup';

export default defineConfig([
  // The library: ESM + CJS + types.
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    // import.meta.url in the CJS build: src/run/entries.ts finds dist/run/*.js by it
    // (without the shim `require('@fleetwire/simulator')` threw at load).
    shims: true,
  },
  // The CLI and the entries it starts as a worker thread / child process (ESM only, kept at
  // dist/cli and dist/run so src/run/entries.ts finds them beside each other).
  {
    entry: { 'cli/main': 'src/cli/main.ts', 'run/worker': 'src/run/worker.ts', 'run/process-worker': 'src/run/process-worker.ts', 'run/backend-child': 'src/run/backend-child.ts' },
    format: ['esm'],
    sourcemap: true,
    clean: false,
    target: 'es2022',
  },
]);
