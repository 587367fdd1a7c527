/**
 * @fleetwire/sdk — the one public surface. Everything not exported here is internal.
 * Grouped: core (errors, reconnect policy, state, schema helpers), then one block per dialect.
 */

// ── core ───────────────────────────────────────────────────────────────────
export { ErrorCodes, FleetwireError, invalidArgument, messageOf, type ErrorCode } from './core/errors.js';
export { Backoff, DEFAULT_BACKOFF, CONTROL_PLANE_DOCUMENTED_BACKOFF, type BackoffOptions } from './core/backoff.js';
export { TransitionCodes, type ConnectionState, type StateTransition, type TransitionCode } from './core/state.js';
export { Reconnector, type ReconnectOptions, type Failure } from './core/reconnector.js';
export { AckOutbox, type OutboxOptions, type OutboxEntry } from './core/outbox.js';
export { SendQueue } from './core/send-queue.js';
export { TypedEmitter } from './core/emitter.js';
export { timerScheduler, type Scheduler } from './core/scheduler.js';
export { createSharedScheduler, type SharedScheduler, type SharedSchedulerOptions } from './core/shared-scheduler.js';
export type { Static, TSchema, Validator } from './core/schema.js';
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

// ── fleet (Socket.IO, /fleet) ──────────────────────────────────────────────
export * as fleet from './protocols/fleet/messages.js';
export { FleetAgent, type FleetAgentOptions } from './protocols/fleet/agent.js';
export type { FleetAgentEvents, StartResult, StopResult, StartError } from './protocols/fleet/events.js';

// ── vstats (plain WebSocket, /ws/agent and /ws) ────────────────────────────
export * as vstats from './protocols/vstats/messages.js';
export { VStatsAgent, type VStatsAgentOptions, type SystemMetricsInput } from './protocols/vstats/agent.js';
export { VStatsDashboard, type VStatsDashboardOptions } from './protocols/vstats/dashboard.js';
export type { VStatsAgentEvents, VStatsDashboardEvents, VStatsConnectionEvents, VStatsServer } from './protocols/vstats/events.js';

// ── control-plane (plain WebSocket, /ws, push-only) ────────────────────────
export * as controlPlane from './protocols/control-plane/messages.js';
export { ControlPlaneEvents, type ControlPlaneEventsOptions } from './protocols/control-plane/client.js';
export {
  matchesPattern,
  patternsFor,
  isPattern,
  type ControlPlaneClientEvents,
  type ControlPlaneConnectionEvents,
  type ControlPlanePattern,
} from './protocols/control-plane/events.js';

// ── monitor (plain WebSocket, JSON {type}) ─────────────────────────────────
export * from './protocols/monitor/index.js';

// ── lightd (plain WebSocket, JSON {event}) ─────────────────────────────────
export * from './protocols/lightd/index.js';
