/**
 * What a slice needs of one simulated agent, whatever its dialect: start,
 * stop, whether it is connected, and a way to drop its connection like a
 * network failure (disconnect and flapping chaos).
 */
import type { BackoffOptions, Scheduler } from '@fleetwire/sdk';
import type { AgentIdentity } from '../model/fleet-plan.js';
import type { Report } from '../report/report.js';
import type { StormBook } from './storm-book.js';

export interface SliceAgent {
  readonly identity: AgentIdentity;
  /** True between the dialect's handshake and the next disconnect. */
  readonly connected: boolean;
  /** Starts connecting; the connect time is measured from here. */
  connect(): void;
  /** Drops the connection without a close handshake; the agent reconnects by itself. False when it was not connected. */
  drop(): boolean;
  /** Closes for good. */
  close(): void;
}

/** What every dialect's simulated agent is built from. */
export interface SliceAgentOptions {
  identity: AgentIdentity;
  /** Control plane base URL (the SDK appends the dialect's path). */
  url: string;
  /** Heartbeat / metrics period, ms (`--heartbeat-interval`). */
  heartbeatIntervalMs: number;
  scheduler: Scheduler;
  report: Report;
  /** Called with +1 / -1 as the agent connects / disconnects (the `connected` gauge). */
  onConnectedChange: (delta: number) => void;
  /** Called once, on the agent's first connect (the ramp measure). */
  onFirstConnect?: () => void;
  /** Called once, when the agent's first connection attempt ends (connected or failed): the ramp's in-flight bound. */
  onFirstAttemptEnd?: () => void;
  /** The SDK's reconnect backoff (`--reconnect-initial`, `--reconnect-max`); absent: the SDK's defaults (1 s, ×2, 30 s). */
  backoff?: BackoffOptions;
  /** The slice's reconnect-storm bookkeeping (`--scenario storm`); absent in runs without storms. */
  storm?: StormBook;
}
