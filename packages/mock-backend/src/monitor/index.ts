/**
 * The monitor dialect's server side, runnable on its own:
 * `startMonitorServer({ port: 0, keys })` → `{ url, port, state, close(), … }`.
 * startMockBackend can instead attach a MonitorServer to a shared HttpHost.
 */
import { listen } from '../http-host.js';
import { KeyStore } from '../keys.js';
import { silentLogger, type Logger } from '../logger.js';
import { MonitorState } from '../state/monitor.js';
import { DEV_JWT_SECRET, mintDevToken, type MintOptions } from './jwt.js';
import { MonitorServer } from './server.js';

export { MonitorServer } from './server.js';
export { MonitorCore, type MonitorCoreOptions, type MonitorServerOptions, type MonitorCounters } from './core.js';
export { FrontendHub, type StreamKind, type FrontendCounters } from './frontends.js';
export { DEV_JWT_SECRET, mintDevToken, verifyToken, type MintOptions } from './jwt.js';
export { simulatedExecutor, applyDockerAction, DEFAULT_SIM_CONTAINERS, type SimulatedExecutor, type SimContainerStatus } from './simulated.js';
export { MonitorState, type MonitorServerRecord, type MonitorStateEvents } from '../state/monitor.js';

/** monitor's default port (docs/protocols/README.md). */
export const MONITOR_DEFAULT_PORT = 8000;

export interface StartMonitorOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 for an ephemeral one. Default 8000. */
  port?: number;
  /** Accepted agent API keys. */
  keys: KeyStore;
  /** HS256 secret of frontend JWTs. Default DEV_JWT_SECRET. */
  jwtSecret?: string;
  /** Reuse a state (e.g. across a restart in tests). Default: a new one. */
  state?: MonitorState;
  logger?: Logger;
  /** Largest frame, bytes. Default 1 MiB. */
  maxPayload?: number;
  /** Time to authenticate, ms. Default 10000. */
  authTimeoutMs?: number;
  /** CPU % that raises an alert. Default 90. */
  alertCpuPercent?: number;
  /** Keep every agent message in `server.received`. Default false. */
  record?: boolean;
}

export interface RunningMonitorServer {
  /** `http://host:port` — give it to MonitorAgent / the streams as `url`. */
  url: string;
  port: number;
  state: MonitorState;
  server: MonitorServer;
  /** Mints a frontend JWT for `sub` with this server's secret. */
  mintToken(sub: string, options?: MintOptions): Promise<string>;
  sendCommand: MonitorServer['sendCommand'];
  sendDockerCommand: MonitorServer['sendDockerCommand'];
  pushLog: MonitorServer['pushLog'];
  pushAlert: MonitorServer['pushAlert'];
  close(): Promise<void>;
}

export async function startMonitorServer(options: StartMonitorOptions): Promise<RunningMonitorServer> {
  const http = await listen(options.port ?? MONITOR_DEFAULT_PORT, options.host ?? '127.0.0.1');
  const state = options.state ?? new MonitorState();
  const jwtSecret = options.jwtSecret ?? DEV_JWT_SECRET;
  const server = new MonitorServer(http, {
    keys: options.keys instanceof KeyStore ? options.keys : new KeyStore(options.keys),
    state,
    jwtSecret,
    logger: options.logger ?? silentLogger,
    maxPayload: options.maxPayload,
    authTimeoutMs: options.authTimeoutMs,
    alertCpuPercent: options.alertCpuPercent,
    record: options.record,
  });
  return {
    url: http.url,
    port: http.port,
    state,
    server,
    mintToken: (sub, o) => mintDevToken(jwtSecret, sub, o),
    sendCommand: (...a) => server.sendCommand(...a),
    sendDockerCommand: (...a) => server.sendDockerCommand(...a),
    pushLog: (...a) => server.pushLog(...a),
    pushAlert: (...a) => server.pushAlert(...a),
    async close() {
      await server.close();
      await http.close();
    },
  };
}
