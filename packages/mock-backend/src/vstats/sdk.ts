/**
 * The SDK's vstats and control-plane schemas, reused (never a second copy).
 * TEMPORARY relative import: switch both lines to `from '@fleetwire/sdk'`
 * once packages/sdk/src/index.ts exports `vstats` and `controlPlane`.
 */
export * as vstats from '../../../sdk/src/protocols/vstats/index.js';
export * as controlPlane from '../../../sdk/src/protocols/control-plane/index.js';
