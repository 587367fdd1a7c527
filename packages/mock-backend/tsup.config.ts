import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

// Entries match package.json: `exports["."]` → dist/index.*, `exports["./msw"]` →
// dist/msw/index.*, `bin.fleetwire-mock` → dist/cli/main.js, and the status page's
// browser app → dist/browser/status-app.js (served at /app.js; built here so an
// installed package needs no bundler at run time).
const node = {
  entry: { index: 'src/index.ts', 'cli/main': 'src/cli/main.ts', 'msw/index': 'src/msw/index.ts' },
  dts: true,
  sourcemap: true,
  target: 'es2022',
  // import.meta.url in the CJS build (the status page finds its built app by it).
  shims: true,
  // Only the status page's source mode uses esbuild (a repo dev dependency); never the built package.
  external: ['esbuild'],
} satisfies Options;

// msw-module.ts loads msw with top-level await, which CommonJS cannot have: the CJS
// build takes msw-module.cjs.ts (a require in a try) instead.
const mswForCjs = {
  name: 'msw-module-cjs',
  setup(build: { initialOptions: { format?: string }; onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => { path: string }): void }) {
    if (build.initialOptions.format !== 'cjs') return;
    const cjs = fileURLToPath(new URL('./src/msw/msw-module.cjs.ts', import.meta.url));
    build.onResolve({ filter: /^\.\/msw-module\.js$/ }, () => ({ path: cjs }));
  },
};

export default defineConfig([
  { ...node, format: ['esm', 'cjs'], clean: true, esbuildPlugins: [mswForCjs] },
  {
    entry: { 'browser/status-app': 'src/admin/status-app.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    clean: false,
    dts: false,
    // One self-contained file for the browser: the SDK (from its sources, as in the
    // repo's dev mode) and its dependencies are bundled in.
    noExternal: [/.*/],
    esbuildOptions(o) {
      o.conditions = ['source'];
    },
  },
]);
