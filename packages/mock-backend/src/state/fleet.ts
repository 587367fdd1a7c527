/**
 * Fleet protocol state (nodes, rentals, lifecycle facts), separate from any
 * socket: the Socket.IO server, the admin API, the control-plane event bus and
 * the status page all read and change this one object.
 */
import { EventEmitter } from 'eventemitter3';
import type { fleet } from '@fleetwire/sdk';

export type NodeConnection = 'ONLINE' | 'OFFLINE';

export interface RentalRecord {
  rentalId: string;
  containerId: string;
  state: 'running' | 'stopped';
  connectionInfo?: fleet.ConnectionInfo;
  stopReason?: fleet.StopReason;
  errorMessage?: string | null;
  startedAt?: string;
  stoppedAt?: string;
}

export interface NodeRecord {
  nodeId: string;
  connection: NodeConnection;
  /** The status the agent reports in its heartbeats; null before the first. */
  agentStatus: fleet.NodeStatus | null;
  connectedAt: string | null;
  lastHeartbeatAt: string | null;
  heartbeats: number;
  lastMetrics: fleet.FleetMetrics | null;
  /** Connections so far (1 + reconnects). */
  connections: number;
  rentals: Map<string, RentalRecord>;
}

/** A lifecycle fact as the control plane recorded it; repeats of the same fact are counted, not duplicated. */
export interface InstanceFact {
  nodeId: string;
  event: 'instance_started' | 'instance_stopped';
  rentalId: string;
  containerId: string;
  /** How many times the agent sent this same fact (≥ 1). */
  receipts: number;
  firstAt: string;
  payload: fleet.InstanceStarted | fleet.InstanceStopped;
}

export interface FleetStateEvents {
  'node:online': (node: NodeRecord) => void;
  'node:offline': (node: NodeRecord) => void;
  'node:heartbeat': (node: NodeRecord, hb: fleet.Heartbeat) => void;
  'instance:started': (fact: InstanceFact, node: NodeRecord) => void;
  'instance:stopped': (fact: InstanceFact, node: NodeRecord) => void;
}

export class FleetState extends EventEmitter<FleetStateEvents> {
  readonly nodes = new Map<string, NodeRecord>();
  /** Keyed `${event}|${rentalId}|${containerId}`: the idempotency key of docs/protocols/README.md. */
  readonly facts = new Map<string, InstanceFact>();
  /** Lifecycle events received, repeats included. */
  lifecycleReceipts = 0;

  node(nodeId: string): NodeRecord {
    let n = this.nodes.get(nodeId);
    if (!n) {
      n = {
        nodeId,
        connection: 'OFFLINE',
        agentStatus: null,
        connectedAt: null,
        lastHeartbeatAt: null,
        heartbeats: 0,
        lastMetrics: null,
        connections: 0,
        rentals: new Map(),
      };
      this.nodes.set(nodeId, n);
    }
    return n;
  }

  /** @param at when it connected (ISO); default now. A cluster replica passes the worker's time so every copy agrees. */
  markOnline(nodeId: string, at?: string): NodeRecord {
    const n = this.node(nodeId);
    n.connection = 'ONLINE';
    n.connectedAt = at ?? new Date().toISOString();
    n.connections++;
    this.emit('node:online', n);
    return n;
  }

  markOffline(nodeId: string): void {
    const n = this.nodes.get(nodeId);
    if (!n || n.connection === 'OFFLINE') return;
    n.connection = 'OFFLINE';
    this.emit('node:offline', n);
  }

  /**
   * Records a heartbeat. A cluster worker coalesces a node's heartbeats between two
   * flushes into one call: `count` of them (default 1), the last one's payload and time
   * (`at`, default now); `node:heartbeat` is emitted once per call.
   */
  heartbeat(hb: fleet.Heartbeat, count = 1, at?: string): NodeRecord {
    const n = this.node(hb.nodeId);
    n.heartbeats += count;
    n.agentStatus = hb.status;
    n.lastMetrics = hb.metrics;
    n.lastHeartbeatAt = at ?? new Date().toISOString();
    this.emit('node:heartbeat', n, hb);
    return n;
  }

  /** Records instance_started; returns false when it was a repeat of a known fact. `at`: receipt time (ISO), default now. */
  instanceStarted(nodeId: string, ev: fleet.InstanceStarted, at?: string): boolean {
    const n = this.node(nodeId);
    const fact = this.fact(nodeId, 'instance_started', ev, at);
    if (fact.receipts > 1) return false;
    n.rentals.set(ev.rentalId, {
      rentalId: ev.rentalId,
      containerId: ev.containerId,
      state: 'running',
      connectionInfo: ev.connectionInfo,
      startedAt: fact.firstAt,
    });
    this.emit('instance:started', fact, n);
    return true;
  }

  /** Records instance_stopped; returns false when it was a repeat of a known fact. `at`: receipt time (ISO), default now. */
  instanceStopped(nodeId: string, ev: fleet.InstanceStopped, at?: string): boolean {
    const n = this.node(nodeId);
    const fact = this.fact(nodeId, 'instance_stopped', ev, at);
    if (fact.receipts > 1) return false;
    const prev = n.rentals.get(ev.rentalId);
    n.rentals.set(ev.rentalId, {
      ...prev,
      rentalId: ev.rentalId,
      containerId: ev.containerId || prev?.containerId || '',
      state: 'stopped',
      stopReason: ev.reason,
      errorMessage: ev.errorMessage,
      stoppedAt: fact.firstAt,
    });
    this.emit('instance:stopped', fact, n);
    return true;
  }

  /** Facts of one kind, optionally for one rental. */
  factsOf(event: InstanceFact['event'], rentalId?: string): InstanceFact[] {
    const out: InstanceFact[] = [];
    for (const f of this.facts.values()) if (f.event === event && (rentalId === undefined || f.rentalId === rentalId)) out.push(f);
    return out;
  }

  /** Counts of nodes by connection and reported status. */
  summary(): { online: number; offline: number; busy: number; maintenance: number; runningRentals: number } {
    let online = 0, offline = 0, busy = 0, maintenance = 0, runningRentals = 0;
    for (const n of this.nodes.values()) {
      if (n.connection === 'ONLINE') online++;
      else offline++;
      if (n.connection === 'ONLINE' && n.agentStatus === 'busy') busy++;
      if (n.connection === 'ONLINE' && n.agentStatus === 'maintenance') maintenance++;
      for (const r of n.rentals.values()) if (r.state === 'running') runningRentals++;
    }
    return { online, offline, busy, maintenance, runningRentals };
  }

  private fact(nodeId: string, event: InstanceFact['event'], payload: fleet.InstanceStarted | fleet.InstanceStopped, at?: string): InstanceFact {
    this.lifecycleReceipts++;
    const key = `${event}|${payload.rentalId}|${payload.containerId}`;
    let f = this.facts.get(key);
    if (f) {
      f.receipts++;
      return f;
    }
    f = { nodeId, event, rentalId: payload.rentalId, containerId: payload.containerId, receipts: 1, firstAt: at ?? new Date().toISOString(), payload };
    this.facts.set(key, f);
    return f;
  }
}
