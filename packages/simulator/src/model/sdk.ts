/**
 * The one place the simulator's model reaches into the SDK: the fleet message
 * types and validators (one source of truth, never a second copy of a shape)
 * and the SDK's stable error codes.
 */
import { ErrorCodes, FleetwireError, fleet } from '@fleetwire/sdk';

export type FleetMetrics = fleet.FleetMetrics;
export type NodeStatus = fleet.NodeStatus;
export type StartInstance = fleet.StartInstance;
export type StopInstance = fleet.StopInstance;
export type ConnectionInfo = fleet.ConnectionInfo;
export type InstanceStarted = fleet.InstanceStarted;
export type InstanceStopped = fleet.InstanceStopped;
export type StopReason = fleet.StopReason;
export const fleetValidators = fleet.fleetValidators;
export { ErrorCodes, FleetwireError };

/**
 * Throws FW_INVALID_ARGUMENT with a message a person can act on (the SDK's
 * own helper is internal to it; this is the same one-liner).
 */
export function invalidArgument(message: string, context: Record<string, unknown> = {}): never {
  throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, message, context);
}
