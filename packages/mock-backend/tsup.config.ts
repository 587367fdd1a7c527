import { defineConfig } from 'tsup';

// Entries match package.json: `exports["."]` → dist/index.*, `exports["./msw"]` →
// dist/msw/index.*, `bin.fleetwire-mock` → dist/cli/main.js.
export default defineConfig({
  entry: { index: 'src/index.ts', 'cli/main': 'src/cli/main.ts', 'msw/index': 'src/msw/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url in the CJS build (the status page finds its browser entry by it).
  shims: true,
  // Loaded lazily by the status page only (a dev dependency of the repo; it needs an install script, so not a dependency here).
  external: ['esbuild'],
});
