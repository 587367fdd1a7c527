/**
 * startMockBackend(): the runnable control plane, programmatic entry point.
 * Tests use port 0; the CLI uses the default ports of shared/protocols/README.md.
 */
import { Server as IoServer } from 'socket.io';
import { listen, type HttpHost } from './http-host.js';
import { KeyStore } from './keys.js';
import { FleetState } from './state/fleet.js';
import { FleetServer } from './fleet/server.js';
import { silentLogger, type Logger } from './logger.js';

export const DEFAULT_PORTS = { fleet: 3000, controlPlane: 3000, vstats: 3001, lightd: 8070, monitor: 8000 } as const;

export interface MockBackendOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port of the fleet (Socket.IO) server; 0 for an ephemeral one. Default 3000. */
  fleetPort?: number;
  /** Accepted API keys. Default: the dev key. */
  keys?: KeyStore | string[];
  /** Keep every received message in `fleet.received` (tests). Default false. */
  record?: boolean;
  logger?: Logger;
  /** Socket.IO ping interval in ms. Default 25000 (socket.io's). */
  pingIntervalMs?: number;
}

export interface MockBackend {
  /** Base URL of the fleet server, e.g. `http://127.0.0.1:3000`. */
  fleetUrl: string;
  fleetPort: number;
  keys: KeyStore;
  state: { fleet: FleetState };
  fleet: FleetServer;
  io: IoServer;
  close(): Promise<void>;
}

export async function startMockBackend(options: MockBackendOptions = {}): Promise<MockBackend> {
  const host = options.host ?? '127.0.0.1';
  const keys = options.keys instanceof KeyStore ? options.keys : new KeyStore(options.keys);
  const logger = options.logger ?? silentLogger;
  const http: HttpHost = await listen(options.fleetPort ?? DEFAULT_PORTS.fleet, host);
  const io = new IoServer(http.server, {
    serveClient: false,
    destroyUpgrade: false,
    pingInterval: options.pingIntervalMs ?? 25_000,
    maxHttpBufferSize: 1e6,
  });
  const fleetState = new FleetState();
  const fleet = new FleetServer(io, { keys, state: fleetState, logger, record: options.record });
  return {
    fleetUrl: http.url,
    fleetPort: http.port,
    keys,
    state: { fleet: fleetState },
    fleet,
    io,
    async close() {
      io.close(); // disconnects every socket (clients see a transport close) and stops the HTTP server
      await http.close();
    },
  };
}
