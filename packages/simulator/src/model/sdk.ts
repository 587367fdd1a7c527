/**
 * The one place the simulator's model reaches into the SDK's fleet schema.
 *
 * TEMPORARY: `@fleetwire/sdk` has no `src/index.ts` yet (it is being written),
 * so this re-exports from the schema source directly. When the SDK index
 * exports `FleetMetrics`, `StartInstance`, `StopInstance`, `ConnectionInfo`,
 * `InstanceStopped` and `fleetValidators`, replace the path below with
 * `'@fleetwire/sdk'` — nothing else in the simulator has to change.
 */
export type {
  FleetMetrics,
  NodeStatus,
  StartInstance,
  StopInstance,
  ConnectionInfo,
  InstanceStarted,
  InstanceStopped,
  StopReason,
} from '../../../sdk/src/protocols/fleet/schema.js';
export { fleetValidators } from '../../../sdk/src/protocols/fleet/schema.js';
export { FleetwireError, ErrorCodes, invalidArgument } from '../../../sdk/src/core/errors.js';
