/**
 * Browser bundle size per SDK client (issue 9): each client imported alone,
 * minified, for the browser, every dependency inlined; gzip size against its
 * target, and as a ratio to a baseline bundled in the same run — socket.io-client
 * alone (`io`), what any Socket.IO page pays before fleetwire adds anything.
 *
 *   npm run bench -- size
 *
 * packages/sdk/test/bundle-size.test.ts enforces the targets.
 */
import { SIZE_TARGETS, bundleSize, clientBundleSize, kb } from '../test-support/bundle-size.js';

const baseline = await bundleSize(`export { io } from 'socket.io-client';`);
console.log(`baseline: socket.io-client alone ${kb(baseline.min)} min, ${kb(baseline.gzip)} gzip\n`);
console.log(`${'client'.padEnd(22)} ${'min'.padStart(9)} ${'gzip'.padStart(9)} ${'target'.padStart(9)} ${'% target'.padStart(9)} ${'× baseline'.padStart(11)}  largest parts`);
let over = 0;
for (const [name, target] of Object.entries(SIZE_TARGETS)) {
  const b = await clientBundleSize(name);
  if (b.gzip > target) over++;
  const parts = Object.entries(b.byPackage)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 3)
    .map(([p, n]) => `${p} ${kb(n)}`)
    .join(', ');
  console.log(
    `${name.padEnd(22)} ${kb(b.min).padStart(9)} ${kb(b.gzip).padStart(9)} ${kb(target).padStart(9)} ${`${((100 * b.gzip) / target).toFixed(0)}%`.padStart(9)} ${(b.gzip / baseline.gzip).toFixed(2).padStart(11)}  ${parts} (min)`,
  );
}
if (over) {
  console.error(`\n${over} client(s) over target`);
  process.exit(1);
}
