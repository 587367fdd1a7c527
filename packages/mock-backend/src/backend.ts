/**
 * startMockBackend(): the runnable control plane, programmatic entry point.
 * Every dialect on its own port (fleet and control-plane share one HTTP server),
 * one shared state object, fault injection and metrics below every dialect,
 * and the admin API + status page on their own port.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Server as IoServer } from 'socket.io';
import { DEFAULT_BACKLOG, listen, type HttpHost } from './http-host.js';
import { KeyStore } from './keys.js';
import { FleetState } from './state/fleet.js';
import { loadFleetState, saveFleetState } from './state/persist.js';
import { FleetServer } from './fleet/server.js';
import { silentLogger, type Logger } from './logger.js';
import { ConnectionTracker, type DialectName } from './faults/connections.js';
import { Faults } from './faults/faults.js';
import { BackendMetrics } from './metrics/metrics.js';
import { resolvePorts, type PortOptions } from './ports.js';
import { startAdmin, type AdminServer } from './admin/server.js';
import { endpointsOf, type Endpoints } from './endpoints.js';
import { attachControlPlane, type ControlPlaneHandle } from './control-plane/server.js';
import { JobsState } from './state/jobs.js';
import { MonitorServer } from './monitor/server.js';
import { DEV_JWT_SECRET, mintDevToken, type MintOptions } from './monitor/jwt.js';
import { MonitorState } from './state/monitor.js';
import { attachVStats, type VStatsServerHandle } from './vstats/server.js';
import { VStatsState } from './state/vstats.js';
import { LightdServer } from './lightd/server.js';
import { LightdState } from './state/lightd.js';
import { startStatsDrift } from './lightd/drift.js';
import { boundedClose, DEFAULT_SHUTDOWN_GRACE_MS } from './shutdown.js';
import type { FleetStateSink } from './cluster/sink.js';
import { receiveControlPlane, relayControlPlane, remoteFleet, serveFaults, serveRemoteFleet, serveWho } from './cluster/peers.js';

export { DEFAULT_PORTS } from './ports.js';

export interface MockBackendOptions extends PortOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Accepted API keys (fleet, monitor, vstats). Default: the dev key. */
  keys?: KeyStore | string[];
  /** Keep every received fleet message in `fleet.received` (tests). Default false. */
  record?: boolean;
  logger?: Logger;
  /** Socket.IO ping interval in ms. Default 25000 (socket.io's). */
  pingIntervalMs?: number;
  /** Bearer token the admin API requires. Default: a random one, in `adminToken`. */
  adminToken?: string;
  /** HS256 secret of monitor dashboard JWTs. Default DEV_JWT_SECRET. */
  monitorJwtSecret?: string;
  /** Ping period of the plain-WebSocket dialects (vstats, control-plane), ms. Default 30000. */
  wsPingIntervalMs?: number;
  /**
   * Most bytes queued for one plain-WebSocket peer (dashboards, consoles) before it
   * is closed as a slow consumer with 1013 and counted in
   * `fleetwire_mock_slow_consumer_closes_total`. Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /** control-plane: at most one agent:heartbeat per node per this many ms. Default 30000 (its bus's default). */
  heartbeatThrottleMs?: number;
  /**
   * Accept-queue length of every listening socket (dialects and admin). Default 4096
   * (DEFAULT_BACKLOG), sized for a reconnect storm; the kernel caps it at
   * net.core.somaxconn (read /proc/sys/net/core/somaxconn).
   */
  backlog?: number;
  /** vstats dashboards: Origins allowed to connect (others are refused with 403). Default: any origin. */
  vstatsAllowedOrigins?: string[];
  /** vstats ping period, ms (a peer that misses a pong is dropped). Default `wsPingIntervalMs`, else 30000. */
  vstatsPingIntervalMs?: number;
  /** Tokens the control-plane `/ws` requires as `?token=` (401 at the upgrade otherwise). Default: none required. */
  controlPlaneTokens?: string[];
  /** Running lightd containers change their stats by themselves this often, ms. Default 0 (off; the CLI turns it on at 2000). */
  lightdStatsIntervalMs?: number;
  /**
   * Keep the fleet state (nodes, rentals, lifecycle facts) in this file across graceful
   * restarts: read at start when it exists, written atomically by close(). A SIGKILL
   * writes nothing. Default: none (state lives only in memory).
   */
  stateFile?: string;
  /**
   * How long close() lets clients close cleanly (close frames, Socket.IO's
   * disconnect, pending HTTP responses), ms. When it runs out, every TCP connection
   * still open on any of the backend's ports — a silent or half-open peer, a
   * keep-alive socket, an upgrade that never finished — is destroyed, so close()
   * (and SIGTERM) is bounded by about this long. Default 5000 (DEFAULT_SHUTDOWN_GRACE_MS).
   */
  shutdownGraceMs?: number;
  /**
   * Run as one of several processes (fleetwire-mock --workers / --redis-url; see
   * src/cluster/ and the README's "Cluster mode"). Default: none, one process.
   */
  scaleOut?: ScaleOutOptions;
}

/** How one process of a scaled-out mock is wired (the cluster worker and the Redis setup build this). */
export interface ScaleOutOptions {
  /** The Socket.IO adapter factory (@socket.io/cluster-adapter or @socket.io/redis-adapter). */
  adapter: NonNullable<ConstructorParameters<typeof IoServer>[1]>['adapter'];
  /**
   * The home process serves the admin API, status page, monitor, lightd and vstats, and
   * its control-plane bus is relayed to every other process. Others serve fleet and
   * control-plane only (ports for the rest are turned off).
   */
  home: boolean;
  /** Where fleet changes go (a cluster worker's batching sink); default straight into this process's state. */
  sink?: FleetStateSink;
  /** /metrics text from elsewhere (a cluster's aggregate, asked of the primary); default this process's registry. */
  metricsText?: () => Promise<string>;
}

/** The state every server, the admin API and the msw handlers share. */
export interface BackendState {
  fleet: FleetState;
  monitor: MonitorState;
  vstats: VStatsState;
  jobs: JobsState;
  lightd: LightdState;
}

/** The dialect servers other than fleet; null when turned off. */
export interface DialectServers {
  controlPlane: ControlPlaneHandle | null;
  monitor: MonitorServer | null;
  vstats: VStatsServerHandle | null;
  lightd: LightdServer | null;
}

export interface MockBackend {
  /** Set when this process is one of several (cluster worker or Redis peer). */
  scaleOut: { home: boolean } | null;
  /** Base URL of the fleet server, e.g. `http://127.0.0.1:3000`. */
  fleetUrl: string;
  fleetPort: number;
  /** Where every dialect and the admin API listen (null when turned off). */
  endpoints: Endpoints;
  keys: KeyStore;
  state: BackendState;
  fleet: FleetServer;
  io: IoServer;
  servers: DialectServers;
  /** Mints a monitor dashboard JWT with this backend's secret. */
  mintMonitorToken(sub: string, options?: MintOptions): Promise<string>;
  faults: Faults;
  metrics: BackendMetrics;
  tracker: ConnectionTracker;
  /** Admin base URL, or null when `ports.admin` is false. */
  adminUrl: string | null;
  adminToken: string;
  /**
   * Closes every client and port, then writes `stateFile`. Bounded: after
   * `shutdownGraceMs` whatever is still open is destroyed. Calling it again returns
   * the same promise.
   */
  close(): Promise<void>;
}

export async function startMockBackend(options: MockBackendOptions = {}): Promise<MockBackend> {
  const scaleOut = options.scaleOut;
  const ports = resolvePorts(options);
  // Only the home process serves the small dialects and the admin port: their state
  // (servers, containers, dashboards, tokens) is then one object, as in one process.
  if (scaleOut && !scaleOut.home) Object.assign(ports, { vstats: false, lightd: false, monitor: false, admin: false });
  const host = options.host ?? '127.0.0.1';
  const keys = options.keys instanceof KeyStore ? options.keys : new KeyStore(options.keys);
  const logger = options.logger ?? silentLogger;
  const adminToken = options.adminToken ?? `fwadm_${randomBytes(16).toString('hex')}`;
  const backlog = options.backlog ?? DEFAULT_BACKLOG;
  if (!Number.isInteger(backlog) || backlog < 1) throw new Error(`backlog must be a whole number ≥ 1, got ${String(options.backlog)}`);
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new Error(`shutdownGraceMs must be a number of ms ≥ 0, got ${String(options.shutdownGraceMs)}`);

  const hosts: HttpHost[] = [];
  const closers: (() => unknown)[] = [];
  const bind = async (port: number) => {
    const h = await listen(port, host, backlog);
    hosts.push(h);
    return h;
  };
  try {
    const fleetHost = await bind(ports.fleet as number);
    // fleet and control-plane share a server when given the same port (both 0 included).
    const cpHost = ports.controlPlane === false ? null : ports.controlPlane === ports.fleet ? fleetHost : await bind(ports.controlPlane);
    const own: Partial<Record<DialectName, HttpHost>> = { fleet: fleetHost, ...(cpHost ? { controlPlane: cpHost } : {}) };
    for (const d of ['vstats', 'lightd', 'monitor'] as const) {
      const p = ports[d];
      if (p !== false) own[d] = await bind(p);
    }

    const state: BackendState = { fleet: new FleetState(), monitor: new MonitorState(), vstats: new VStatsState(), jobs: new JobsState(), lightd: new LightdState() };
    if (options.stateFile) await loadFleetState(state.fleet, options.stateFile);
    closers.push(() => state.jobs.close());
    const tracker = new ConnectionTracker();
    let fleet: FleetServer | null = null;
    const faults = new Faults(tracker, () => fleet);
    const metrics = new BackendMetrics({
      tracker,
      fleetState: state.fleet,
      fleet: () => fleet,
      dialects: () => ({
        lightd: { authFailures: servers.lightd?.counters.refused ?? 0, protocolErrors: servers.lightd?.counters.invalidMessages ?? 0, open: null },
        controlPlane: { authFailures: servers.controlPlane?.counters.authFailures ?? 0, protocolErrors: 0, open: null },
        monitor: { authFailures: servers.monitor?.counters.authFailures ?? 0, protocolErrors: servers.monitor?.counters.protocolErrors ?? 0, open: null },
        vstats: {
          authFailures: (servers.vstats?.counters.authFailures ?? 0) + (servers.vstats?.counters.originRejections ?? 0),
          protocolErrors: servers.vstats?.counters.invalidMessages ?? 0,
          open: null,
        },
      }),
    });

    const io = new IoServer(fleetHost.server, {
      serveClient: false,
      destroyUpgrade: false,
      pingInterval: options.pingIntervalMs ?? 25_000,
      maxHttpBufferSize: 1e6,
      // Behind node:cluster each connection lands on any worker: long-polling's follow-up
      // requests would miss their session without sticky routing (README, "Cluster mode").
      ...(scaleOut ? { adapter: scaleOut.adapter, transports: ['websocket' as const] } : {}),
    });
    closers.push(() => io.close());
    fleet = new FleetServer(io, {
      keys,
      state: state.fleet,
      logger,
      record: options.record,
      ...(scaleOut ? { sink: scaleOut.sink, remote: remoteFleet(io.of('/fleet')) } : {}),
      hooks: {
        refuseAuth: () => faults.refuseAuth(),
        ackDelayMs: () => faults.ackDelayMs,
        acked: (event, ms) => metrics.acked(event, ms),
        handlerError: () => metrics.handlerError('fleet'),
      },
    });
    if (scaleOut) {
      serveRemoteFleet(fleet.nsp, fleet);
      serveFaults(fleet.nsp, faults);
      const f = fleet;
      serveWho(fleet.nsp, () => ({ pid: process.pid, home: scaleOut.home, nodes: f.connectedNodes(), controlPlaneClients: servers.controlPlane?.clientCount() ?? 0 }));
      if (scaleOut.metricsText) metrics.aggregate = scaleOut.metricsText;
    }

    const servers: DialectServers = { controlPlane: null, monitor: null, vstats: null, lightd: null };
    const wsPing = options.wsPingIntervalMs;
    // Messages per type of the plain-WebSocket dialects, counted by each dialect's message hook.
    const hook = (d: DialectName) => (direction: 'in' | 'out', type: string, n?: number) => metrics.count(d, direction, type, n);
    // Every plain-WebSocket peer gets the same send-buffer bound, counted per dialect.
    const bound = (d: DialectName) => ({ maxBufferedBytes: options.maxBufferedBytes, onSlowConsumer: () => metrics.slowConsumer(d) });
    if (cpHost) {
      servers.controlPlane = attachControlPlane(cpHost, {
        fleetState: state.fleet,
        jobs: state.jobs,
        logger,
        pingIntervalMs: wsPing,
        heartbeatThrottleMs: options.heartbeatThrottleMs,
        ...(options.controlPlaneTokens?.length ? { requireToken: true, tokens: options.controlPlaneTokens } : {}),
        onMessage: hook('controlPlane'),
        onHandlerError: () => metrics.handlerError('controlPlane'),
        ...bound('controlPlane'),
      });
      closers.push(() => servers.controlPlane!.close());
      if (scaleOut?.home) closers.push(relayControlPlane(fleet.nsp, servers.controlPlane));
      if (scaleOut) receiveControlPlane(fleet.nsp, servers.controlPlane);
    }
    const jwtSecret = options.monitorJwtSecret ?? DEV_JWT_SECRET;
    if (own.monitor) {
      servers.monitor = new MonitorServer(own.monitor, { keys, state: state.monitor, jwtSecret, logger, onMessage: hook('monitor'), onHandlerError: () => metrics.handlerError('monitor'), ...bound('monitor') });
      closers.push(() => servers.monitor!.close());
    }
    if (own.lightd) {
      servers.lightd = new LightdServer(own.lightd, { state: state.lightd, logger, onMessage: hook('lightd'), onHandlerError: () => metrics.handlerError('lightd'), ...bound('lightd') });
      closers.push(() => servers.lightd!.close());
      closers.push(startStatsDrift(state.lightd, options.lightdStatsIntervalMs ?? 0));
    }
    if (own.vstats) {
      servers.vstats = attachVStats(own.vstats, { keys, state: state.vstats, allowedOrigins: options.vstatsAllowedOrigins, logger, pingIntervalMs: options.vstatsPingIntervalMs ?? wsPing, onMessage: hook('vstats'), onHandlerError: () => metrics.handlerError('vstats'), ...bound('vstats') });
      closers.push(() => servers.vstats!.close());
    }

    // Classify every upgrade by server and path, and refuse auth (401 at the upgrade,
    // as lightd and vstats do for a bad token) while that fault is on. Fleet refuses in
    // its namespace middleware instead, so agents get the protocol's own auth error.
    for (const h of new Set(Object.values(own))) {
      const mine = (Object.keys(own) as DialectName[]).filter((d) => own[d] === h);
      const classify = (req: IncomingMessage): DialectName => {
        if (mine.includes('fleet') && (req.url ?? '').startsWith('/socket.io/')) return 'fleet';
        return mine.find((d) => d !== 'fleet') ?? mine[0]!;
      };
      tracker.install(h.server, classify, (d) => (faults.refuseAuth() && d !== 'fleet' && d !== 'controlPlane' ? 401 : null));
    }

    let closing: Promise<void> | null = null;
    const backend: MockBackend = {
      scaleOut: scaleOut ? { home: scaleOut.home } : null,
      fleetUrl: fleetHost.url,
      fleetPort: fleetHost.port,
      endpoints: null as unknown as Endpoints,
      keys,
      state,
      fleet,
      io,
      servers,
      mintMonitorToken: (sub, o) => mintDevToken(jwtSecret, sub, o),
      faults,
      metrics,
      tracker,
      adminUrl: null,
      adminToken,
      close() {
        closing ??= (async () => {
          // Each server closes its own clients cleanly: plain-WebSocket ones with a 1001
          // close frame, Socket.IO ones with its disconnect packet (io.close()). Then the
          // tracker ends whatever is left (silenced sockets, handshakes never answered).
          // All of it within one grace period; then every socket on every port is destroyed
          // (see shutdown.ts: a peer that stopped reading must not hold a SIGTERM up, and
          // io.close() waits for its HTTP server, i.e. for every socket on the fleet port,
          // including an upgrade that arrived during shutdown and is owned by nobody).
          const started = performance.now();
          const left = () => Math.max(0, graceMs - (performance.now() - started));
          const steps = [
            ...closers.splice(0).reverse(),
            () => {
              tracker.closeAll(1001, 'mock backend shutting down');
              return Promise.all(hosts.map((h) => h.close(left())));
            },
          ];
          const { forced, errors } = await boundedClose(steps, graceMs, () => {
            const n = hosts.reduce((sum, h) => sum + h.destroyAll(), 0);
            logger.warn(`mock backend: ${n} connection(s) still open after the ${graceMs} ms shutdown grace period; destroyed`);
          });
          // Listening stopped and every socket is gone: the servers' close events follow at once.
          if (forced) await Promise.all(hosts.map((h) => h.close(0)));
          for (const e of errors) logger.warn('mock backend: a close step failed', { error: e.message });
          // After the sockets: every fact acked before the close is in the file, and none can arrive after it.
          if (options.stateFile) await saveFleetState(state.fleet, options.stateFile);
        })();
        return closing;
      },
    };
    let admin: AdminServer | null = null;
    if (ports.admin !== false) {
      admin = await startAdmin(backend, { port: ports.admin, host, token: adminToken, backlog });
      closers.unshift(() => admin!.close());
      backend.adminUrl = admin.url;
    }
    backend.endpoints = endpointsOf(host, own, admin?.port ?? null);
    return backend;
  } catch (err) {
    for (const c of closers.reverse()) await c();
    await Promise.all(hosts.map((h) => h.close()));
    throw err;
  }
}
