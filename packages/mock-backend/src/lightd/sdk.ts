/**
 * The one place the mock backend's lightd side reaches into the SDK's lightd
 * dialect. TEMPORARY (like ../monitor/sdk.ts): switch the path to
 * `'@fleetwire/sdk'` once the SDK index re-exports `./protocols/lightd/index.js`.
 */
export { lightd } from '../../../sdk/src/protocols/lightd/index.js';
