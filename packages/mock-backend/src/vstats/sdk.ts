/**
 * The SDK's vstats and control-plane schemas, reused (never a second copy).
 * TEMPORARY relative import of the same modules the SDK index is to export as
 * `vstats` and `controlPlane`: replace both lines with
 *   export { vstats, controlPlane } from '@fleetwire/sdk';
 * once packages/sdk/src/index.ts has them.
 */
export * as vstats from '../../../sdk/src/protocols/vstats/schema.js';
export * as controlPlane from '../../../sdk/src/protocols/control-plane/schema.js';
