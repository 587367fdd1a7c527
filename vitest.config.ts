import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources: the `source` export condition points
// every @fleetwire/* import at src/, so no build is needed before `npm test`.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'loadtests/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts', 'docs/**/*.test.ts', 'deploy/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Twice the cores: most files spend their time waiting on sockets, child processes
    // and backoff, not on the CPU (a quiet 2-core box idled ~half the time at 2 workers).
    // Every test is written to pass on a loaded box, so the extra overlap is safe.
    maxWorkers: '200%',
  },
});
