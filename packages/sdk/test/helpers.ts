/** Test helpers: shared with the other packages' tests (test-support/). */
export { once, until, sampleMetrics, startCmd } from '../../../test-support/index.js';
