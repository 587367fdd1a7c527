/**
 * @fleetwire/sdk — the one public surface. Everything not exported here is internal.
 * Grouped: core (errors, reconnect policy, state, schema helpers), then one block per dialect.
 */

// ── core ───────────────────────────────────────────────────────────────────
export { ErrorCodes, FleetwireError, invalidArgument, messageOf, type ErrorCode } from './core/errors.js';
export { Backoff, DEFAULT_BACKOFF, CONTROL_PLANE_DOCUMENTED_BACKOFF, type BackoffOptions } from './core/backoff.js';
export { TransitionCodes, type ConnectionState, type StateTransition, type TransitionCode } from './core/state.js';
export type { FleetwireClient, ClientEvents, ConnectOptions, ConnectedInfo, DisconnectedInfo, RetryInfo } from './core/client.js';
export type { TokenSource } from './core/inbound.js';
export { Reconnector, type ReconnectOptions, type RetryTimer, type Failure } from './core/reconnector.js';
export { AckOutbox, type OutboxOptions, type OutboxEntry } from './core/outbox.js';
export { SendQueue } from './core/send-queue.js';
export { TypedEmitter } from './core/emitter.js';
export { timerScheduler, type Scheduler } from './core/scheduler.js';
export { createSharedScheduler, type SharedScheduler, type SharedSchedulerOptions } from './core/shared-scheduler.js';
export type { Static, TSchema, Validator } from './core/schema.js';
export { IsoTimestamp, isIsoTimestamp, ISO_8601_PATTERN } from './core/timestamp.js';
export {
  WsTransport,
  defaultWebSocket,
  isAuthClose,
  type WebSocketConstructor,
  type WebSocketLike,
  type CloseInfo,
  type WsHandlers,
  type WsTransportOptions,
} from './transports/websocket.js';
export { namespaceUrl, type IoFactory, type IoOptions } from './transports/socketio.js';

// ── the dialects ───────────────────────────────────────────────────────────
// One scheme for all five: what travels on the wire (message types, their
// TypeBox schemas and validators, paths, constants) lives in one namespace per
// dialect — `fleet`, `monitor`, `lightd`, `vstats`, `controlPlane`, e.g.
// `fleet.StartInstance`, `monitor.Command`, `vstats.SystemMetrics` — because the
// dialects reuse names (`AgentMetrics` is two different messages). What is the
// SDK's own API — the clients, their options, their event maps and what your
// handlers return (`StartResult`, `CommandResult`) — is top-level.
export * from './protocols/fleet/index.js';
export * from './protocols/monitor/index.js';
export * from './protocols/lightd/index.js';
export * from './protocols/vstats/index.js';
export * from './protocols/control-plane/index.js';
