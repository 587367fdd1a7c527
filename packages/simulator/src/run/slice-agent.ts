/**
 * What a slice needs of one simulated agent, whatever its dialect: start,
 * stop, whether it is connected, and a way to drop its connection like a
 * network failure (disconnect and flapping chaos).
 */
import type { AgentIdentity } from '../model/fleet-plan.js';

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
