/**
 * The control-plane dialect on `/ws` of a shared HttpHost (port 3000 with
 * fleet's Socket.IO): ControlPlaneCore (core.ts) driven by a `ws`
 * WebSocketServer. With `requireToken`, a missing or unknown token is an HTTP
 * 401 at the upgrade. Peers are pinged and dropped when they miss a pong.
 */
import { WebSocketServer } from 'ws';
import type { HttpHost } from '../http-host.js';
import { startPingSweep } from '../vstats/upgrade.js';
import { guardRouter } from '../transport/guard.js';
import { closeClients, routeUpgrades, type SendBufferOptions } from '../transport/ws-peer.js';
import { controlPlane as cp } from '@fleetwire/sdk';
import type { ControlPlaneBus } from './bus.js';
import type { JobsState } from '../state/jobs.js';
import { ControlPlaneCore, type ControlPlaneCoreOptions, type ControlPlaneCounters } from './core.js';

export { ControlPlaneCore, type ControlPlaneCoreOptions, type ControlPlaneCounters } from './core.js';

export interface ControlPlaneOptions extends ControlPlaneCoreOptions, SendBufferOptions {
  /** Ping period, ms. Default 30000. */
  pingIntervalMs?: number;
  /**
   * Largest client frame the socket will read, bytes: a memory cap, not a protocol
   * rule (a bigger frame closes with 1009, as `ws` must). Every frame under it, of
   * any size, is ignored and logged like any client frame: client input is never a
   * reason to disconnect on this push-only stream (control-plane.md). Default 16 MiB.
   */
  maxPayload?: number;
  /** Called once per exception a connection handler threw (that connection is closed with 1011). */
  onHandlerError?: (error: Error) => void;
}

export interface ControlPlaneHandle {
  bus: ControlPlaneBus;
  jobs: JobsState;
  /** `ws://host:port/ws` */
  url: string;
  counters: ControlPlaneCounters;
  /** The last 100 ignored client frames (first 200 chars each), oldest first. */
  ignored: string[];
  /** The transport-agnostic behaviour (shared with the msw handlers). */
  core: ControlPlaneCore;
  clientCount(): number;
  /** Sends a raw frame to every client (tests of the SDK's malformed-frame path). */
  sendRaw(data: string): void;
  /** Stops following state, closes every client with 1001 (going away), stops routing /ws. Does not close the HttpHost. */
  close(): Promise<void>;
}

export function attachControlPlane(httpHost: HttpHost, options: ControlPlaneOptions = {}): ControlPlaneHandle {
  const core = new ControlPlaneCore(options);
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 16 * 1024 * 1024 });
  const stopSweep = startPingSweep(wss, options.pingIntervalMs ?? 30_000, () => {
    core.counters.pingDrops++;
    options.logger?.warn('control-plane: dropped a client that missed its pong');
  });
  let closed = false;
  routeUpgrades(httpHost, wss, guardRouter(core.route, { dialect: 'control-plane', logger: options.logger, onFault: options.onHandlerError }), () => !closed, options);
  const h = httpHost.host.includes(':') ? `[${httpHost.host}]` : httpHost.host;
  return {
    bus: core.bus,
    jobs: core.jobs,
    url: `ws://${h}:${httpHost.port}${cp.CONTROL_PLANE_PATH}`,
    counters: core.counters,
    ignored: core.ignored,
    core,
    clientCount: () => core.clientCount(),
    sendRaw: (data) => core.sendRaw(data),
    async close() {
      if (closed) return;
      closed = true;
      stopSweep();
      core.dispose();
      await closeClients(wss, 1001, 'control plane shutting down');
    },
  };
}
