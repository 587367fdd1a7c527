/**
 * @fleetwire/mock-backend/msw — msw 2 handlers for in-process tests of the
 * plain-WebSocket dialects (monitor, lightd, vstats, control-plane). They run
 * the very dialect cores the network server runs (monitor/core.ts, lightd/core.ts,
 * vstats/core.ts, control-plane/core.ts) over the state classes it uses, so a
 * test can drive the state (jobs, containers, tokens) and see the SDK react.
 *
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createMswHandlers } from '@fleetwire/mock-backend/msw';
 * const mock = createMswHandlers({ keys: ['k'] });
 * const server = setupServer(...mock.handlers);
 * server.listen({ onUnhandledRequest: 'error' });
 * new MonitorAgent({ url: mock.urls.monitor, apiKey: 'k', metrics }).connect();
 * ```
 *
 * Limits: not fleet (Socket.IO namespaces and acks are not plain WebSocket
 * frames); in-process only (msw patches `globalThis.WebSocket` of this process,
 * so a child process or another machine sees nothing); refusals are 1008 closes,
 * not HTTP statuses; no pings, no maxPayload, no fault injection (those live at
 * the network server's HTTP upgrade). Node only for now (the state uses node:crypto).
 */
import { WebSocket as NodeWebSocket } from 'ws';
import type { WebSocketHandler } from 'msw';
import { invalidArgument } from '@fleetwire/sdk';
import { KeyStore } from '../keys.js';
import { silentLogger, type Logger } from '../logger.js';
import { DEFAULT_PORTS } from '../ports.js';
import { FleetState } from '../state/fleet.js';
import { JobsState } from '../state/jobs.js';
import { LightdState } from '../state/lightd.js';
import { MonitorState } from '../state/monitor.js';
import { VStatsState } from '../state/vstats.js';
import { MonitorCore } from '../monitor/core.js';
import { DEV_JWT_SECRET, mintDevToken, type MintOptions } from '../monitor/jwt.js';
import { LightdCore } from '../lightd/core.js';
import { VStatsCore } from '../vstats/core.js';
import { ControlPlaneCore } from '../control-plane/core.js';
import type { Direction } from '../transport/peer.js';
import { linkHandlers, MswConnections } from './serve.js';
import { guardRouter } from '../transport/guard.js';
import type { Router } from '../transport/peer.js';

export { REFUSED_CLOSE_CODE } from '../transport/peer.js';
export { MswConnections } from './serve.js';

/** The dialects msw can stand in for. */
export type MswDialect = 'monitor' | 'lightd' | 'vstats' | 'controlPlane';
export const MSW_DIALECTS: readonly MswDialect[] = ['monitor', 'lightd', 'vstats', 'controlPlane'];

/** The state the handlers read and change: the classes the network server and admin API use. */
export interface MswState {
  monitor: MonitorState;
  lightd: LightdState;
  vstats: VStatsState;
  jobs: JobsState;
  /** control-plane turns it into agent:* / instance:* events. */
  fleet: FleetState;
}

export interface MswHandlersOptions {
  /** Base URL per dialect (`ws://` or `http://`, no path). Default `ws://<host>:<the dialect's default port>`. They must differ: several dialects use `/ws`. */
  urls?: Partial<Record<MswDialect, string>>;
  /** Host of the default URLs. Default 127.0.0.1. */
  host?: string;
  /** Dialects to handle. Default all four. */
  dialects?: readonly MswDialect[];
  /** Reuse state objects (e.g. a running backend's `state`). Default: new ones. */
  state?: Partial<MswState>;
  /** Accepted API keys (monitor agents, vstats agents). Default: the dev key. */
  keys?: KeyStore | string[];
  /** HS256 secret of monitor dashboard JWTs. Default DEV_JWT_SECRET. */
  monitorJwtSecret?: string;
  /** The Origin the vstats dashboard check sees (msw exposes no request headers). Default `globalThis.location?.origin` (a browser), else none. */
  origin?: string;
  /** Origins allowed to open a vstats dashboard (others: 1008 close). Default: any. */
  vstatsAllowedOrigins?: string[];
  /** control-plane: require `?token=` from these tokens. Default: no token needed. */
  controlPlaneTokens?: string[];
  /** control-plane: at most one agent:heartbeat per node per this many ms. Default 30000. */
  heartbeatThrottleMs?: number;
  /** lightd: send `console duplicate` events. Default true. */
  lightdDuplicates?: boolean;
  /** monitor: time to authenticate, ms. Default 10000. */
  monitorAuthTimeoutMs?: number;
  /** Every message in and out, per dialect and type. */
  onMessage?: (dialect: MswDialect, direction: Direction, type: string, count: number) => void;
  logger?: Logger;
  /**
   * msw's interceptor only patches a `globalThis.WebSocket` that exists, and Node 20
   * has none: when absent, install the `ws` package's class first (it is also what
   * unmatched connections pass through to). Default true. Node ≥ 22 and browsers have one.
   */
  installGlobalWebSocket?: boolean;
}

export interface MswMockBackend {
  /** Give them to `setupServer(...handlers)` (msw/node) or `setupWorker`. */
  handlers: WebSocketHandler[];
  /** The base URL per dialect to give the SDK clients as `url`. */
  urls: Record<MswDialect, string>;
  state: MswState;
  keys: KeyStore;
  /** The dialect behaviour, with the network servers' programmatic helpers (sendCommand, pushLog, removeServer, sendRaw, …). */
  monitor: MonitorCore;
  lightd: LightdCore;
  vstats: VStatsCore;
  controlPlane: ControlPlaneCore;
  connections: MswConnections;
  /** True when this call installed `ws`'s WebSocket as the global one. */
  installedGlobalWebSocket: boolean;
  /** Mints a monitor dashboard JWT with this mock's secret. */
  mintMonitorToken(sub: string, options?: MintOptions): Promise<string>;
  /** Closes every open client with 1001 and stops the cores' timers. Does not stop msw. */
  close(): void;
}

/** Installs the `ws` package's WebSocket as `globalThis.WebSocket` when there is none. Returns whether it did. */
export function ensureGlobalWebSocket(): boolean {
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'undefined') return false;
  Object.defineProperty(globalThis, 'WebSocket', { value: NodeWebSocket, writable: true, configurable: true, enumerable: false });
  return true;
}

// One link per dialect (each msw link adds a BroadcastChannel listener); the
// dialect's router decides on the exact path, as on the network server.
const PATHS: Record<MswDialect, readonly string[]> = {
  monitor: ['/api/v1/*'],
  lightd: ['/ws/*'],
  vstats: ['/ws*'],
  controlPlane: ['/ws'],
};

function baseUrl(d: MswDialect, given: string | undefined, host: string): string {
  const raw = given ?? `ws://${host.includes(':') ? `[${host}]` : host}:${DEFAULT_PORTS[d]}`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return invalidArgument(`createMswHandlers: urls.${d} must be a ws(s):// or http(s):// URL, got ${JSON.stringify(raw)}`);
  }
  if (!/^(wss?|https?):$/.test(u.protocol)) invalidArgument(`createMswHandlers: urls.${d} must be a ws(s):// or http(s):// URL, got ${JSON.stringify(raw)}`);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/** msw handlers for the plain-WebSocket dialects, sharing the network server's behaviour and state classes. */
export function createMswHandlers(options: MswHandlersOptions = {}): MswMockBackend {
  const dialects = options.dialects ?? MSW_DIALECTS;
  for (const d of dialects) if (!MSW_DIALECTS.includes(d)) invalidArgument(`createMswHandlers: unknown dialect ${JSON.stringify(d)}; msw handles ${MSW_DIALECTS.join(', ')} (not fleet: Socket.IO)`);
  const host = options.host ?? '127.0.0.1';
  const urls = Object.fromEntries(MSW_DIALECTS.map((d) => [d, baseUrl(d, options.urls?.[d], host)])) as Record<MswDialect, string>;
  const seen = new Map<string, MswDialect>();
  for (const d of dialects) {
    const other = seen.get(urls[d]);
    if (other) invalidArgument(`createMswHandlers: ${other} and ${d} both at ${urls[d]}; give them different urls (both use /ws paths)`);
    seen.set(urls[d], d);
  }
  const installedGlobalWebSocket = options.installGlobalWebSocket === false ? false : ensureGlobalWebSocket();
  const keys = options.keys instanceof KeyStore ? options.keys : new KeyStore(options.keys);
  const logger = options.logger ?? silentLogger;
  const s = options.state ?? {};
  const state: MswState = {
    monitor: s.monitor ?? new MonitorState(),
    lightd: s.lightd ?? new LightdState(),
    vstats: s.vstats ?? new VStatsState(),
    jobs: s.jobs ?? new JobsState(),
    fleet: s.fleet ?? new FleetState(),
  };
  const hook = (d: MswDialect) => (dir: Direction, type: string, n = 1) => options.onMessage?.(d, dir, type, n);
  const jwtSecret = options.monitorJwtSecret ?? DEV_JWT_SECRET;
  const monitor = new MonitorCore({ keys, state: state.monitor, jwtSecret, logger, authTimeoutMs: options.monitorAuthTimeoutMs, onMessage: hook('monitor') });
  const lightd = new LightdCore({ state: state.lightd, logger, sendDuplicates: options.lightdDuplicates, onMessage: hook('lightd') });
  const vstats = new VStatsCore({ keys, state: state.vstats, logger, allowedOrigins: options.vstatsAllowedOrigins, onMessage: hook('vstats') });
  const controlPlane = new ControlPlaneCore({
    fleetState: state.fleet,
    jobs: state.jobs,
    logger,
    heartbeatThrottleMs: options.heartbeatThrottleMs,
    ...(options.controlPlaneTokens ? { requireToken: true, tokens: options.controlPlaneTokens } : {}),
    onMessage: hook('controlPlane'),
  });
  // A handler that throws closes its connection with 1011 (as on the network server), never the test process.
  const guard = (dialect: string, r: Router) => guardRouter(r, { dialect, logger });
  const routers = { monitor: guard('monitor', monitor.route), lightd: guard('lightd', lightd.route), vstats: guard('vstats', vstats.route), controlPlane: guard('control-plane', controlPlane.route) };
  const connections = new MswConnections();
  const origin = options.origin ?? (globalThis as { location?: { origin?: string } }).location?.origin;
  const headers = () => (origin ? { origin } : {});
  const handlers = dialects.flatMap((d) => linkHandlers(urls[d], PATHS[d], routers[d], connections, headers));
  return {
    handlers,
    urls,
    state,
    keys,
    monitor,
    lightd,
    vstats,
    controlPlane,
    connections,
    installedGlobalWebSocket,
    mintMonitorToken: (sub, o) => mintDevToken(jwtSecret, sub, o),
    close() {
      connections.closeAll(1001, 'mock backend shutting down');
      lightd.dispose();
      vstats.dispose();
      controlPlane.dispose();
      if (!s.jobs) state.jobs.close();
    },
  };
}
