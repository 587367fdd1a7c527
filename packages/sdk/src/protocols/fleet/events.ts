import type { ClientEvents } from '../../core/client.js';
import type { connectionInfoFor } from './connection-info.js';
import type { ConnectionInfo, DrainNode, Heartbeat, InstanceStarted, InstanceStopped, StartInstance, StopInstance, StopReason } from './schema.js';

/** What a start_instance handler returns: the container it started and how to reach it. */
export interface StartResult {
  containerId: string;
  /**
   * How to reach the container. Default (with `FleetAgentOptions.sshHost` set):
   * derived from the command by {@link connectionInfoFor} — SSH on
   * `proxyPortMapping["22"]`, the other mapped ports as `additionalPorts`.
   */
  connectionInfo?: ConnectionInfo;
}

/** What a stop_instance handler may return; default `{ reason: 'requested' }`. */
export interface StopResult {
  reason?: StopReason;
  errorMessage?: string | null;
}

/** A start handler can throw an error carrying `containerId` when a container was created but failed. */
export interface StartError extends Error {
  containerId?: string;
}

/** Events of {@link FleetAgent}. */
export interface FleetAgentEvents extends ClientEvents {
  /** A heartbeat was sent. */
  heartbeat: (hb: Heartbeat) => void;
  /** A heartbeat's `{success:true}` ack arrived after `rttMs`. */
  heartbeat_ack: (info: { rttMs: number }) => void;
  /** Commands from the control plane, after validation (handlers run separately). */
  start_instance: (cmd: StartInstance) => void;
  stop_instance: (cmd: StopInstance) => void;
  drain_node: (cmd: DrainNode) => void;
  /** A lifecycle event was queued for delivery. */
  instance_started: (ev: InstanceStarted) => void;
  instance_stopped: (ev: InstanceStopped) => void;
  /** A lifecycle event was acknowledged by the control plane. */
  delivered: (event: 'instance_started' | 'instance_stopped', payload: InstanceStarted | InstanceStopped) => void;
  /** Draining finished: nothing runs and heartbeats now say `maintenance`. */
  drained: () => void;
}
