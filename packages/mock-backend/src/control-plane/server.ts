/**
 * The server side of shared/protocols/control-plane.md on `/ws` of a shared
 * HttpHost (port 3000 with fleet's Socket.IO): a push-only broadcast of the
 * bus's messages to every client. Anything a client sends is ignored and
 * logged — never answered, never a reason to disconnect (README decision).
 * `?token=` is accepted; with `requireToken` a missing or unknown one gets 401
 * at the upgrade. Peers are pinged and dropped when they miss a pong.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { HttpHost } from '../http-host.js';
import { KeyStore } from '../keys.js';
import { silentLogger, type Logger } from '../logger.js';
import type { FleetState } from '../state/fleet.js';
import { JobsState } from '../state/jobs.js';
import { parseRequestUrl, refuseUpgrade, startPingSweep } from '../vstats/upgrade.js';
import { controlPlane as cp } from '@fleetwire/sdk';
import { ControlPlaneBus } from './bus.js';

export interface ControlPlaneOptions {
  /** Refuse (401) upgrades without a valid `?token=`. Default false (the document: no auth yet). */
  requireToken?: boolean;
  /** Accepted tokens when `requireToken`. Default: none (so requireToken refuses everyone). */
  tokens?: KeyStore | string[];
  /** Fleet state to turn into agent:* and instance:* events. Default none. */
  fleetState?: FleetState;
  /** Simulated jobs to turn into job:* events. Default a new JobsState. */
  jobs?: JobsState;
  /** A bus to publish on. Default a new one. */
  bus?: ControlPlaneBus;
  logger?: Logger;
  /** See FleetBridgeOptions. Default 30000. */
  heartbeatThrottleMs?: number;
  /** Ping period, ms. Default 30000. */
  pingIntervalMs?: number;
  /** Largest client frame, bytes; clients should send nothing. Default 64 KiB. */
  maxPayload?: number;
}

export interface ControlPlaneCounters {
  connections: number;
  authFailures: number;
  /** Client frames received and ignored. */
  ignoredMessages: number;
  pingDrops: number;
  broadcasts: number;
}

export interface ControlPlaneHandle {
  bus: ControlPlaneBus;
  jobs: JobsState;
  /** `ws://host:port/ws` */
  url: string;
  counters: ControlPlaneCounters;
  /** The last 100 ignored client frames (first 200 chars each), oldest first. */
  ignored: string[];
  clientCount(): number;
  /** Sends a raw frame to every client (tests of the SDK's malformed-frame path). */
  sendRaw(data: string): void;
  /** Stops following state, drops every client, stops routing /ws. Does not close the HttpHost. */
  close(): void;
}

export function attachControlPlane(httpHost: HttpHost, options: ControlPlaneOptions = {}): ControlPlaneHandle {
  const log = options.logger ?? silentLogger;
  const tokens = options.tokens instanceof KeyStore ? options.tokens : new KeyStore(options.tokens ?? []);
  const bus = options.bus ?? new ControlPlaneBus();
  const jobs = options.jobs ?? new JobsState();
  const counters: ControlPlaneCounters = { connections: 0, authFailures: 0, ignoredMessages: 0, pingDrops: 0, broadcasts: 0 };
  const ignored: string[] = [];
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 64 * 1024 });
  const stopSweep = startPingSweep(wss, options.pingIntervalMs ?? 30_000, () => {
    counters.pingDrops++;
    log.warn('control-plane: dropped a client that missed its pong');
  });

  const unfollow: (() => void)[] = [bus.followJobs(jobs)];
  if (options.fleetState) unfollow.push(bus.followFleet(options.fleetState, { heartbeatThrottleMs: options.heartbeatThrottleMs }));

  const broadcast = (msg: unknown) => {
    const frame = JSON.stringify(msg);
    counters.broadcasts++;
    for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(frame);
  };
  bus.on('message', broadcast);

  let closed = false;
  httpHost.onUpgrade((req, socket, head) => {
    if (closed) return false;
    const url = parseRequestUrl(req);
    if (url.pathname !== cp.CONTROL_PLANE_PATH) return false;
    const token = url.searchParams.get('token');
    if (options.requireToken && !tokens.has(token)) {
      counters.authFailures++;
      log.warn('control-plane: refused a client without a valid token', { address: req.socket.remoteAddress, hadToken: token !== null });
      refuseUpgrade(socket, 401, 'token required');
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.emit('connection', ws, req);
      onClient(ws);
    });
    return true;
  });

  function onClient(ws: WebSocket): void {
    counters.connections++;
    log.info('control-plane: client connected', { clients: wss.clients.size });
    ws.on('message', (data) => {
      // Push-only: log and ignore, whatever it is (JSON or not).
      counters.ignoredMessages++;
      const text = Buffer.isBuffer(data) ? data.toString('utf8', 0, 200) : String(data).slice(0, 200);
      ignored.push(text);
      if (ignored.length > 100) ignored.shift();
      log.warn('control-plane: ignored a client message (the stream is push-only)', { preview: text.slice(0, 80) });
    });
    ws.on('error', (err) => log.warn('control-plane: client socket error', { error: err.message }));
  }

  return {
    bus,
    jobs,
    url: `ws://${httpHost.host}:${httpHost.port}${cp.CONTROL_PLANE_PATH}`,
    counters,
    ignored,
    clientCount: () => wss.clients.size,
    sendRaw(data) {
      for (const c of wss.clients) c.send(data);
    },
    close() {
      closed = true;
      stopSweep();
      bus.off('message', broadcast);
      for (const u of unfollow.splice(0)) u();
      if (!options.jobs) jobs.close();
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}
