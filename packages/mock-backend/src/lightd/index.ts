/**
 * The lightd dialect's server side, runnable on its own:
 * `startLightdServer({ port: 0 })` → `{ url, port, state, close(), … }`.
 */
import { listen } from '../http-host.js';
import { silentLogger, type Logger } from '../logger.js';
import { LightdState, type ContainerOptions, type SimContainer, type TokenOptions, type TokenRecord } from '../state/lightd.js';
import { LightdServer } from './server.js';
import type { lightd } from '@fleetwire/sdk';

export { LightdServer } from './server.js';
export { LightdCore, type LightdCoreOptions, type LightdServerOptions, type LightdCounters } from './core.js';
export { LightdState, SimContainer, sameStats, type ContainerOptions, type TokenOptions, type TokenRecord, type TokenCheck, type ContainerEvents } from '../state/lightd.js';

/** lightd's default port (the document's examples and docs/protocols/README.md). */
export const LIGHTD_DEFAULT_PORT = 8070;

export interface StartLightdOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 for an ephemeral one. Default 8070. */
  port?: number;
  /** Reuse a state (e.g. across a restart in tests). Default: a new one. */
  state?: LightdState;
  logger?: Logger;
  /** Largest client message handled, bytes (bigger: an error daemon message, session kept). Default 64 KiB. */
  maxMessageBytes?: number;
  /** Largest frame the socket reads at all, bytes (bigger closes with 1009). Default 16 MiB. */
  maxPayload?: number;
  /** Send `console duplicate` events. Default true. */
  sendDuplicates?: boolean;
  /** Token-expiry sweep period, ms. Default 1000. */
  expiryCheckMs?: number;
}

export interface RunningLightdServer {
  /** `http://host:port` — give it to LightdConsole as `url`. */
  url: string;
  port: number;
  state: LightdState;
  server: LightdServer;
  /** A console token (random `lightd_…`), optionally bound to a container, single-use, expiring. */
  createToken(options?: TokenOptions): TokenRecord;
  /** A simulated container (returns the existing one for a known id). */
  createContainer(id: string, options?: ContainerOptions): SimContainer;
  /** Console output from a container to every client. */
  pushConsole(id: string, data: string): void;
  /** New stats for a container; clients get them only if a value changed. */
  pushStats(id: string, stats: Partial<lightd.StatsFields>): void;
  close(): Promise<void>;
}

export async function startLightdServer(options: StartLightdOptions = {}): Promise<RunningLightdServer> {
  const http = await listen(options.port ?? LIGHTD_DEFAULT_PORT, options.host ?? '127.0.0.1');
  const state = options.state ?? new LightdState();
  const server = new LightdServer(http, {
    state,
    logger: options.logger ?? silentLogger,
    maxPayload: options.maxPayload,
    maxMessageBytes: options.maxMessageBytes,
    sendDuplicates: options.sendDuplicates,
    expiryCheckMs: options.expiryCheckMs,
  });
  const container = (id: string) => {
    const c = state.containers.get(id);
    if (!c) throw new Error(`lightd: no container ${id}; createContainer(${JSON.stringify(id)}) first`);
    return c;
  };
  return {
    url: http.url,
    port: http.port,
    state,
    server,
    createToken: (o) => state.createToken(o),
    createContainer: (id, o) => state.createContainer(id, o),
    pushConsole: (id, data) => container(id).console(data),
    pushStats: (id, s) => void container(id).setStats(s),
    async close() {
      await server.close();
      await http.close();
    },
  };
}
