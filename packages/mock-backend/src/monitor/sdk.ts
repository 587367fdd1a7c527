/**
 * The one place the mock backend's monitor side reaches into the SDK's monitor
 * dialect. TEMPORARY: `@fleetwire/sdk`'s index.ts does not export the monitor
 * dialect yet (another engineer owns it), so this re-exports from the dialect's
 * own index by path. Once the SDK index has
 * `export * from './protocols/monitor/index.js'`, replace the path with
 * `'@fleetwire/sdk'` — nothing else has to change.
 */
export { monitor } from '../../../sdk/src/protocols/monitor/index.js';
