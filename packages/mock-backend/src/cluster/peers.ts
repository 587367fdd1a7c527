/**
 * Reaching the other processes of one mock (cluster workers; with --redis-url,
 * every worker of every mock sharing that Redis) through the Socket.IO adapter's
 * `serverSideEmit`: commands to a node whose socket lives elsewhere, fault
 * injection that must hold everywhere, and the control-plane stream (the home
 * worker's bus is relayed to every other process's `/ws` clients).
 */
import type { Namespace } from 'socket.io';
import type { controlPlane as cp } from '@fleetwire/sdk';
import type { CommandResult, FleetServer, RemoteFleet } from '../fleet/server.js';
import type { Faults } from '../faults/faults.js';
import type { ControlPlaneHandle } from '../control-plane/server.js';

/**
 * The adapters give up on a serverSideEmit after 5 s (the cluster adapter's fixed
 * timeout; the Redis adapter's `requestsTimeout`, which we leave at 5 s): a remote
 * command waits at most this long for its agent's ack, so its answer comes back in time.
 */
export const REMOTE_ACK_TIMEOUT_MS = 4000;

type Reply<T> = (answer: T) => void;
type Responses<T> = (err: Error | null, responses: T[]) => void;

/** The RemoteFleet of a FleetServer whose namespace has a cluster or Redis adapter. */
export function remoteFleet(nsp: Namespace): RemoteFleet {
  return {
    command: (nodeId, event, payload, timeoutMs) =>
      new Promise<CommandResult>((resolve) => {
        nsp.serverSideEmit('fw:command', { nodeId, event, payload, timeoutMs: Math.min(timeoutMs, REMOTE_ACK_TIMEOUT_MS) }, ((_err, responses) => {
          // A peer that did not answer in time cannot hold the node's live socket and be silent about it
          // for 5 s unless it is stuck; what the others said is the answer.
          resolve(responses.find((r) => r?.sent) ?? { sent: false, acked: false });
        }) as Responses<CommandResult>);
      }),
    sendRaw: (nodeId, event, payload) =>
      new Promise<boolean>((resolve) => {
        nsp.serverSideEmit('fw:send', { nodeId, event, payload }, ((_err, responses) => resolve(responses.some(Boolean))) as Responses<boolean>);
      }),
  };
}

/** Answers the other processes' requests for nodes connected here. */
export function serveRemoteFleet(nsp: Namespace, fleet: FleetServer): void {
  nsp.on('fw:command', (req: { nodeId: string; event: string; payload: unknown; timeoutMs: number }, reply: Reply<CommandResult>) => {
    if (typeof reply !== 'function' || typeof req?.nodeId !== 'string') return;
    void fleet.commandLocal(req.nodeId, req.event, req.payload, Math.min(Number(req.timeoutMs) || REMOTE_ACK_TIMEOUT_MS, REMOTE_ACK_TIMEOUT_MS)).then(reply);
  });
  nsp.on('fw:send', (req: { nodeId: string; event: string; payload: unknown }, reply: Reply<boolean>) => {
    if (typeof reply !== 'function' || typeof req?.nodeId !== 'string') return;
    reply(fleet.sendRaw(req.nodeId, req.event, req.payload));
  });
}

/** A fault action the admin API took, repeated on every other process. */
export interface FaultCall {
  op: 'drop' | 'ack-delay' | 'refuse-auth' | 'malformed' | 'silence' | 'clear';
  arg?: unknown;
}

/** What one process did for a FaultCall: counts of the one-shot actions. */
export type FaultAnswer = { dropped?: number; sent?: number; silenced?: number; error?: string };

/** Runs a fault action on this process's Faults. Throws what Faults throws (bad arguments). */
export function runFault(faults: Faults, call: FaultCall): FaultAnswer {
  const a = (call.arg ?? {}) as Record<string, unknown>;
  switch (call.op) {
    case 'drop':
      return faults.drop(a);
    case 'malformed':
      return faults.malformed(a);
    case 'silence':
      return faults.silence(a);
    case 'ack-delay':
      faults.setAckDelay(a.ms);
      return {};
    case 'refuse-auth':
      faults.refuseAuthFor(a.ms);
      return {};
    case 'clear':
      faults.clear();
      return {};
  }
}

export function serveFaults(nsp: Namespace, faults: Faults): void {
  nsp.on('fw:fault', (call: FaultCall, reply: Reply<FaultAnswer>) => {
    if (typeof reply !== 'function') return;
    try {
      reply(runFault(faults, call));
    } catch (err) {
      reply({ error: (err as Error).message });
    }
  });
}

/** Runs `call` on every other process; their answers (a process that did not answer in 5 s is left out). */
export function faultEverywhere(nsp: Namespace, call: FaultCall): Promise<FaultAnswer[]> {
  return new Promise((resolve) => nsp.serverSideEmit('fw:fault', call, ((_err, responses) => resolve(responses)) as Responses<FaultAnswer>));
}

/**
 * The home process's control-plane bus, relayed to every other process's `/ws`
 * clients. Messages are sent in batches (at most one relay per `batchMs`) so a
 * busy bus costs a few adapter messages per second, not one per event.
 */
export function relayControlPlane(nsp: Namespace, cpHandle: ControlPlaneHandle, batchMs = 20): () => void {
  let pending: cp.ControlPlaneMessage[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    if (pending.length === 0) return;
    nsp.serverSideEmit('fw:cp', pending);
    pending = [];
  };
  const onMessage = (msg: cp.ControlPlaneMessage) => {
    pending.push(msg);
    timer ??= setTimeout(flush, batchMs);
  };
  cpHandle.bus.on('message', onMessage);
  return () => {
    cpHandle.bus.off('message', onMessage);
    if (timer) clearTimeout(timer);
    flush();
  };
}

/** Delivers relayed control-plane messages to this process's `/ws` clients (never re-relayed: they skip the bus). */
export function receiveControlPlane(nsp: Namespace, cpHandle: ControlPlaneHandle): void {
  nsp.on('fw:cp', (msgs: cp.ControlPlaneMessage[]) => {
    if (!Array.isArray(msgs)) return;
    for (const m of msgs) cpHandle.core.deliver(m);
  });
}

/** One process of a scaled-out mock as GET /api/cluster shows it. */
export interface ProcessInfo {
  pid: number;
  /** Serves the admin API, monitor, lightd and vstats; its bus feeds every control-plane client. */
  home: boolean;
  /** Fleet nodes whose live connection this process holds. */
  nodes: string[];
  /** Control-plane `/ws` clients connected to this process. */
  controlPlaneClients: number;
}

export function serveWho(nsp: Namespace, who: () => ProcessInfo): void {
  nsp.on('fw:who', (reply: Reply<ProcessInfo>) => {
    if (typeof reply === 'function') reply(who());
  });
}

/** Every other process's ProcessInfo (one that does not answer within 5 s is left out). */
export function askWho(nsp: Namespace): Promise<ProcessInfo[]> {
  return new Promise((resolve) => nsp.serverSideEmit('fw:who', ((_err, responses) => resolve(responses)) as Responses<ProcessInfo>));
}
