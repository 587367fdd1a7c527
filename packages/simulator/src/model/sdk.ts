/**
 * The one place the simulator's model reaches into the SDK: the fleet message
 * types and validators (one source of truth, never a second copy of a shape)
 * and the SDK's stable error codes.
 */
import { ErrorCodes, FleetwireError, fleet, invalidArgument } from '@fleetwire/sdk';

export type FleetMetrics = fleet.FleetMetrics;
export type NodeStatus = fleet.NodeStatus;
export type StartInstance = fleet.StartInstance;
export type StopInstance = fleet.StopInstance;
export type ConnectionInfo = fleet.ConnectionInfo;
export type InstanceStarted = fleet.InstanceStarted;
export type InstanceStopped = fleet.InstanceStopped;
export type StopReason = fleet.StopReason;
export const fleetValidators = fleet.fleetValidators;
export { ErrorCodes, FleetwireError, invalidArgument };
