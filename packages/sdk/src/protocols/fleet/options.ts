/**
 * FleetAgent's options, their defaults, and the up-front check that turns a
 * bad option into an FW_INVALID_ARGUMENT a person can act on.
 */
import { invalidArgument } from '../../core/errors.js';
import { headerValueProblem } from '../../core/header-value.js';
import type { ReconnectOptions } from '../../core/reconnector.js';
import type { TokenSource } from '../../core/inbound.js';
import type { Scheduler } from '../../core/scheduler.js';
import type { IoFactory, IoOptions } from '../../transports/socketio.js';
import type { FleetMetrics, StartInstance, StopInstance } from './schema.js';
import type { StartResult, StopResult } from './events.js';

export interface FleetAgentOptions extends ReconnectOptions {
  /** Control plane base URL, e.g. `http://localhost:3000` (`/fleet` is appended unless present). */
  url: string;
  /**
   * The node's HOST_API_KEY: a string, or a provider (sync or async) called on
   * every (re)connect so a rotated key is picked up. Sent as
   * `Authorization: Bearer` (where the platform allows) and in the handshake `auth.token`.
   */
  apiKey: TokenSource;
  /** This node's id, sent in every heartbeat and in the handshake `auth.nodeId`. */
  nodeId: string;
  /** Called before every heartbeat; sync or async. */
  metrics: () => FleetMetrics | Promise<FleetMetrics>;
  /** Heartbeat period in ms. Default 5000 (fleet.md). */
  heartbeatIntervalMs?: number;
  /** Ack timeout for heartbeats and lifecycle events, in ms. Default 10000. */
  ackTimeoutMs?: number;
  /**
   * Heartbeats in a row without an ack (each waited `ackTimeoutMs`) after which
   * the link counts as dead: the agent drops it and reconnects by its backoff.
   * Default 2 (with the defaults, a silent link is noticed within ~15 s).
   */
  deadAfterMissedAcks?: number;
  /** Connect timeout per attempt, in ms. Default 20000 (socket.io's). */
  connectTimeoutMs?: number;
  /**
   * Host name of the SSH proxy, reported as `connectionInfo.sshHost`. With it, a
   * start handler may return just `{ containerId }` and the agent derives
   * `connectionInfo` from the command (see `agent.connectionInfo(cmd)`). Default none.
   */
  sshHost?: string;
  /** Starts a container; its result becomes `instance_started`, a throw becomes `instance_stopped` (error). */
  onStartInstance?: (cmd: StartInstance) => StartResult | Promise<StartResult>;
  /** Stops a container; its result becomes `instance_stopped` (default reason `requested`). */
  onStopInstance?: (cmd: StopInstance) => StopResult | void | Promise<StopResult | void>;
  /** Socket.IO client factory. Default socket.io-client's `io`. */
  io?: IoFactory;
  /** Engine.IO transports. Default `['websocket']` (no sticky sessions needed behind a balancer). */
  transports?: ('websocket' | 'polling' | 'webtransport')[];
  /** Extra socket.io-client options (e.g. `localAddress` to pick a source address in Node). */
  socketOptions?: IoOptions;
  /** Runs the heartbeat timer; pass a shared one when running thousands of agents. */
  scheduler?: Scheduler;
  /** Most unacknowledged lifecycle events kept. Default 10000. */
  maxPendingEvents?: number;
}

/** Throws FW_INVALID_ARGUMENT naming the first bad option. */
export function checkOptions(o: FleetAgentOptions): void {
  if (!o || typeof o !== 'object') invalidArgument('FleetAgent needs an options object: new FleetAgent({ url, apiKey, nodeId, metrics })');
  if (typeof o.url !== 'string' || !/^(https?|wss?):\/\//.test(o.url)) {
    invalidArgument(`FleetAgent: url must be an http(s):// or ws(s):// URL of the control plane, got ${JSON.stringify(o.url)}`);
  }
  if (!(typeof o.apiKey === 'function' || (typeof o.apiKey === 'string' && o.apiKey.length > 0))) {
    invalidArgument('FleetAgent: apiKey must be a non-empty string (the node\'s HOST_API_KEY) or a function returning one (called on every connect)');
  }
  // A provider's key is checked the same way on every attempt (agent.ts attempt()).
  const keyProblem = typeof o.apiKey === 'string' ? headerValueProblem(o.apiKey) : null;
  if (keyProblem) invalidArgument(`FleetAgent: apiKey ${keyProblem}, so it can never be sent as an Authorization header; check the key you configured`);
  if (typeof o.nodeId !== 'string' || o.nodeId.length === 0) invalidArgument('FleetAgent: nodeId must be a non-empty string');
  if (typeof o.metrics !== 'function') invalidArgument('FleetAgent: metrics must be a function returning the heartbeat metrics (sync or async)');
  if (o.sshHost !== undefined && (typeof o.sshHost !== 'string' || o.sshHost.length === 0)) invalidArgument(`FleetAgent: sshHost must be a non-empty host name, got ${JSON.stringify(o.sshHost)}`);
  if (o.heartbeatIntervalMs !== undefined && !(o.heartbeatIntervalMs > 0)) {
    invalidArgument(`FleetAgent: heartbeatIntervalMs must be > 0, got ${String(o.heartbeatIntervalMs)}`);
  }
  if (o.ackTimeoutMs !== undefined && !(o.ackTimeoutMs > 0)) invalidArgument(`FleetAgent: ackTimeoutMs must be > 0, got ${String(o.ackTimeoutMs)}`);
  if (o.deadAfterMissedAcks !== undefined && !(Number.isInteger(o.deadAfterMissedAcks) && o.deadAfterMissedAcks >= 1)) {
    invalidArgument(`FleetAgent: deadAfterMissedAcks must be a whole number >= 1, got ${String(o.deadAfterMissedAcks)}`);
  }
}
