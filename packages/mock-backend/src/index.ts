/** @fleetwire/mock-backend — the one public surface. */
export { startMockBackend, DEFAULT_PORTS, type MockBackend, type MockBackendOptions, type BackendState } from './backend.js';
export { resolvePorts, PORT_NAMES, type PortName, type PortOptions, type PortSetting } from './ports.js';
export { endpointsOf, type Endpoint, type Endpoints } from './endpoints.js';
export { KeyStore, DEV_KEY, generateKeys, writeKeysFile } from './keys.js';
export { FleetState, type NodeRecord, type RentalRecord, type InstanceFact, type FleetStateEvents } from './state/fleet.js';
export { FleetServer, keyFromHandshake, type CommandResult, type Received, type FleetServerOptions, type FleetHooks } from './fleet/server.js';
export { listen, type HttpHost } from './http-host.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';
export { Faults, type FaultSnapshot, type MalformedKind } from './faults/faults.js';
export { ConnectionTracker, DIALECTS, type DialectName } from './faults/connections.js';
export { BackendMetrics } from './metrics/metrics.js';
