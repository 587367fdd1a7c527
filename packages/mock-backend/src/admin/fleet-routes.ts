/** Admin API, fleet: list nodes and their rentals; send start_instance / stop_instance / drain_node. */
import { ErrorCodes, fleet } from '@fleetwire/sdk';
import type { MockBackend } from '../backend.js';
import type { NodeRecord } from '../state/fleet.js';
import { HttpError, route, type Route } from './http.js';

/** A node as JSON (rentals as an array). */
export function nodeJson(n: NodeRecord): Record<string, unknown> {
  return {
    nodeId: n.nodeId,
    connection: n.connection,
    agentStatus: n.agentStatus,
    connectedAt: n.connectedAt,
    lastHeartbeatAt: n.lastHeartbeatAt,
    heartbeats: n.heartbeats,
    connections: n.connections,
    lastMetrics: n.lastMetrics,
    rentals: [...n.rentals.values()],
  };
}

function known(b: MockBackend, id: string): NodeRecord {
  const n = b.state.fleet.nodes.get(id);
  if (!n) throw new HttpError(404, ErrorCodes.FW_INVALID_ARGUMENT, `no fleet node ${id}`);
  return n;
}

/**
 * Checked before a command. With Redis peers (--redis-url) a node may live on another
 * mock whose state this one does not hold: the command is tried anyway, and
 * {@link sentOr409} says 404 when no process had it.
 */
function knownOrPeer(b: MockBackend, id: string): void {
  if (b.scaleOut && !b.state.fleet.nodes.has(id)) return;
  known(b, id);
}

/** 409 when the node is known but not connected: the command could not be sent (404 when no process knows it). */
function sentOr409(b: MockBackend, nodeId: string, r: { sent: boolean }): void {
  if (r.sent) return;
  if (!b.state.fleet.nodes.has(nodeId)) throw new HttpError(404, ErrorCodes.FW_INVALID_ARGUMENT, `no fleet node ${nodeId} (on this mock or any peer)`);
  throw new HttpError(409, ErrorCodes.FW_NOT_CONNECTED, `fleet node ${nodeId} is not connected`);
}

/**
 * A rentalId names one rental for its whole life: reusing it would make the
 * agent start a container whose instance_started repeats a known fact (same
 * rentalId + containerId), which the control plane then treats as already seen.
 * So a start_instance with a rentalId already sent or known is refused (409).
 */
function refuseReusedRental(b: MockBackend, sent: Set<string>, rentalId: unknown): void {
  if (typeof rentalId !== 'string') return; // the schema check says what is wrong
  for (const n of b.state.fleet.nodes.values()) {
    const r = n.rentals.get(rentalId);
    if (r) throw new HttpError(409, ErrorCodes.FW_CONFLICT, `rentalId ${rentalId} is already used (node ${n.nodeId}, ${r.state}); every start_instance needs a new rentalId`);
  }
  if (sent.has(rentalId)) throw new HttpError(409, ErrorCodes.FW_CONFLICT, `rentalId ${rentalId} was already sent in a start_instance; every start_instance needs a new rentalId`);
}

export function fleetRoutes(b: MockBackend): Route[] {
  const sentRentals = new Set<string>();
  return [
    route('GET', '/api/nodes', () => ({ summary: b.state.fleet.summary(), nodes: [...b.state.fleet.nodes.values()].map(nodeJson) })),
    route('GET', '/api/nodes/:id', ({ params }) => nodeJson(known(b, params[0]!))),
    // Lifecycle facts as recorded (one per event + rentalId + containerId; `receipts` counts repeats): what a chaos run checks.
    route('GET', '/api/facts', () => ({
      lifecycleReceipts: b.state.fleet.lifecycleReceipts,
      facts: [...b.state.fleet.facts.values()].map(({ nodeId, event, rentalId, containerId, receipts, firstAt }) => ({ nodeId, event, rentalId, containerId, receipts, firstAt })),
    })),
    route('GET', '/api/rentals', () => ({
      rentals: [...b.state.fleet.nodes.values()].flatMap((n) => [...n.rentals.values()].map((r) => ({ nodeId: n.nodeId, ...r }))),
    })),
    route('POST', '/api/nodes/:id/start_instance', async ({ params, body }) => {
      knownOrPeer(b, params[0]!);
      const cmd = (await body()) as unknown as fleet.StartInstance;
      refuseReusedRental(b, sentRentals, cmd.rentalId);
      const r = await b.fleet.startInstance(params[0]!, cmd);
      sentOr409(b, params[0]!, r);
      sentRentals.add(cmd.rentalId);
      return r;
    }),
    route('POST', '/api/nodes/:id/stop_instance', async ({ params, body }) => {
      knownOrPeer(b, params[0]!);
      const r = await b.fleet.stopInstance(params[0]!, (await body()) as unknown as fleet.StopInstance);
      sentOr409(b, params[0]!, r);
      return r;
    }),
    route('POST', '/api/nodes/:id/drain_node', async ({ params, body }) => {
      knownOrPeer(b, params[0]!);
      const { reason } = await body();
      if (reason !== undefined && typeof reason !== 'string') throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, 'body.reason must be a string');
      const r = await b.fleet.drainNode(params[0]!, reason);
      sentOr409(b, params[0]!, r);
      return r;
    }),
  ];
}
