/** The SDK's vstats and control-plane schemas, reused (never a second copy). */
export { vstats, controlPlane } from '@fleetwire/sdk';
