/** @fleetwire/mock-backend — the one public surface. */
export { startMockBackend, DEFAULT_PORTS, type MockBackend, type MockBackendOptions, type BackendState } from './backend.js';
export { resolvePorts, PORT_NAMES, type PortName, type PortOptions, type PortSetting } from './ports.js';
export { endpointsOf, type Endpoint, type Endpoints } from './endpoints.js';
export { KeyStore, DEV_KEY, DEV_KEY_PREFIX, devKeyFor, generateKeys, writeKeysFile, fingerprint } from './keys.js';
export { FleetState, type NodeRecord, type RentalRecord, type InstanceFact, type FleetStateEvents } from './state/fleet.js';
export { FleetServer, keyFromHandshake, type CommandResult, type Received, type FleetServerOptions, type FleetHooks } from './fleet/server.js';
export { listen, type HttpHost } from './http-host.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';
export { Faults, type FaultSnapshot, type MalformedKind } from './faults/faults.js';
export { ConnectionTracker, DIALECTS, type DialectName } from './faults/connections.js';
export { BackendMetrics } from './metrics/metrics.js';

// ── plain-WebSocket dialects on their own (network servers and their transport-agnostic cores) ──
export { startMonitorServer, MonitorServer, MonitorCore, MonitorState, FrontendHub, simulatedExecutor, applyDockerAction, DEFAULT_SIM_CONTAINERS, mintDevToken, DEV_JWT_SECRET, MONITOR_DEFAULT_PORT } from './monitor/index.js';
export type { StartMonitorOptions, RunningMonitorServer, MonitorCoreOptions, MonitorCounters, SimulatedExecutor, SimContainerStatus } from './monitor/index.js';
export { startLightdServer, LightdServer, LightdCore, LightdState, LIGHTD_DEFAULT_PORT } from './lightd/index.js';
export type { StartLightdOptions, RunningLightdServer, LightdCoreOptions, LightdCounters } from './lightd/index.js';
export { attachVStats, startVStatsServer, VStatsCore, VStatsState, serverIdForToken } from './vstats/index.js';
export type { VStatsAttachOptions, VStatsServerOptions, VStatsServerHandle, VStatsCounters } from './vstats/index.js';
export { attachControlPlane, ControlPlaneCore, ControlPlaneBus, JobsState } from './control-plane/index.js';
export type { ControlPlaneOptions, ControlPlaneHandle, ControlPlaneCounters } from './control-plane/index.js';
export { REFUSED_CLOSE_CODE, type Peer, type PeerRequest, type ConnectionHandler, type Router, type Route, type MessageHook } from './transport/peer.js';
