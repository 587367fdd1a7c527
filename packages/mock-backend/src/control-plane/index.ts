/** The control-plane side of the mock backend (re-exported by the package index). */
export { attachControlPlane, type ControlPlaneOptions, type ControlPlaneHandle } from './server.js';
export { ControlPlaneCore, type ControlPlaneCoreOptions, type ControlPlaneCounters } from './core.js';
export { ControlPlaneBus, type ControlPlaneBusEvents, type FleetBridgeOptions } from './bus.js';
export { JobsState, type JobRecord, type JobStatus, type CreateJobOptions, type JobsStateEvents } from '../state/jobs.js';
