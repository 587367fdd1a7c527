/** @fleetwire/mock-backend — the one public surface. */
export { startMockBackend, DEFAULT_PORTS, type MockBackend, type MockBackendOptions } from './backend.js';
export { KeyStore, DEV_KEY, generateKeys, writeKeysFile } from './keys.js';
export { FleetState, type NodeRecord, type RentalRecord, type InstanceFact, type FleetStateEvents } from './state/fleet.js';
export { FleetServer, keyFromHandshake, type CommandResult, type Received, type FleetServerOptions } from './fleet/server.js';
export { listen, type HttpHost } from './http-host.js';
export { consoleLogger, silentLogger, type Logger } from './logger.js';
