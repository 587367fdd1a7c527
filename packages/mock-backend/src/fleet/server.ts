/**
 * The control-plane side of docs/protocols/fleet.md on a Socket.IO server:
 * key check at the namespace handshake (a bad key is refused at once), nodes
 * ONLINE/OFFLINE, `{success:true}` acks, idempotent lifecycle facts, and a
 * programmatic API to send commands to a node.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import { ErrorCodes, FleetwireError, fleet } from '@fleetwire/sdk';
import type { FleetState } from '../state/fleet.js';
import { fingerprint, type KeyStore } from '../keys.js';
import { silentLogger, type Logger } from '../logger.js';
import { NodeBindings } from './bindings.js';
import { Tally } from '../metrics/tally.js';
import { localSink, type FleetStateSink } from '../cluster/sink.js';

const V = fleet.fleetValidators;

export interface FleetServerOptions {
  keys: KeyStore;
  state: FleetState;
  logger?: Logger;
  /** Keep every message received (for tests). Default false: 10,000 agents would fill memory. */
  record?: boolean;
  /**
   * Key → node pairs bound from the start (on top of `keys.nodes`, the keys file's
   * `KEY NODE_ID` lines). Other keys bind to the first node they register.
   */
  nodeKeys?: Iterable<readonly [string, string]>;
  /** How long a command waits for the agent's receipt ack. Default 5000 ms. */
  commandAckTimeoutMs?: number;
  /** Fault-injection and metrics hooks (the mock backend's admin side); none by default. */
  hooks?: FleetHooks;
  /**
   * Where what agents report is written. Default: straight into `state`. A cluster
   * worker passes a batching sink whose changes reach `state` through the primary.
   */
  sink?: FleetStateSink;
  /** Reaches nodes connected to other processes (cluster workers, Redis peers); default none (this process only). */
  remote?: RemoteFleet;
}

/** Commands to nodes whose socket lives in another process (see cluster/peers.ts). */
export interface RemoteFleet {
  command(nodeId: string, event: string, payload: unknown, timeoutMs: number): Promise<CommandResult>;
  sendRaw(nodeId: string, event: string, payload: unknown): Promise<boolean>;
}

/** Read on the paths they name; kept tiny because heartbeats run through them (plain numbers, no closures per call). */
export interface FleetHooks {
  /** When true, every handshake is refused as if the key were bad. */
  refuseAuth?(): boolean;
  /** Ms to hold each success ack; 0 or absent acks at once. */
  ackDelayMs?(): number;
  /** Called when a success ack is sent, with the ms from receipt to ack. */
  acked?(event: string, ms: number): void;
  /** Called once per exception a handler threw (that connection is closed: 1011 on the websocket transport). */
  handlerError?(error: Error): void;
}

export interface Received {
  nodeId: string | null;
  event: string;
  payload: unknown;
}

/** What a command send learned. */
export interface CommandResult {
  /** The node had a live connection and the command was emitted. */
  sent: boolean;
  /** The agent acknowledged receipt (fleetwire agents do; agents of the document may not). */
  acked: boolean;
  ack?: unknown;
}

export interface FleetCounters {
  heartbeats: number;
  authFailures: number;
  protocolErrors: number;
  /** Claims of a node bound to another key (or of a second node by a bound key), refused. */
  nodeRefusals: number;
}

/** Extracts the key from `auth.token` or an `Authorization: Bearer` header. */
export function keyFromHandshake(hs: { auth?: Record<string, unknown>; headers: Record<string, string | string[] | undefined> }): string | null {
  const fromAuth = hs.auth?.token;
  if (typeof fromAuth === 'string' && fromAuth) return fromAuth;
  const h = hs.headers.authorization;
  const header = Array.isArray(h) ? h[0] : h;
  const m = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return m?.[1]?.trim() || null;
}

/** The one success ack: encoded afresh by socket.io each time, but never allocated per heartbeat. */
const ACK_OK = Object.freeze({ success: true });
/** Tally keys of the acks, made once (not a template string per ack). */
const ACK_KEY = { heartbeat: 'ack:heartbeat', instance_started: 'ack:instance_started', instance_stopped: 'ack:instance_stopped' } as const;
type AckedEvent = keyof typeof ACK_KEY;

export class FleetServer {
  readonly nsp: Namespace;
  readonly received: Received[] = [];
  readonly counters: FleetCounters = { heartbeats: 0, authFailures: 0, protocolErrors: 0, nodeRefusals: 0 };
  /**
   * Fleet messages by event name, counted inline as plain numbers and read when
   * /metrics is scraped: `in` — what agents sent (an event this side does not know
   * counts as `invalid`, so a client cannot invent label values); `out` — commands
   * and raw sends by name, success acks as `ack:<event>`.
   */
  readonly traffic = { in: new Tally(), out: new Tally() };
  private readonly byNode = new Map<string, Socket>();
  private readonly log: Logger;
  /** Key ↔ node ownership (see bindings.ts). */
  readonly bindings: NodeBindings;
  private readonly sink: FleetStateSink;

  constructor(
    io: Server,
    private readonly opts: FleetServerOptions,
  ) {
    this.log = opts.logger ?? silentLogger;
    this.bindings = new NodeBindings(opts.keys, [...opts.keys.nodes, ...(opts.nodeKeys ?? [])]);
    this.sink = opts.sink ?? localSink(opts.state);
    this.nsp = io.of(fleet.FLEET_NAMESPACE);
    this.nsp.use((socket, next) => {
      const key = keyFromHandshake(socket.handshake);
      if (!opts.keys.has(key) || opts.hooks?.refuseAuth?.()) {
        this.counters.authFailures++;
        this.log.warn('fleet: refused a connection with an invalid key', { address: socket.handshake.address, key: fingerprint(key) });
        const err = new Error('invalid API key') as Error & { data?: unknown };
        err.data = { code: ErrorCodes.FW_AUTH_REJECTED };
        return next(err);
      }
      const given = socket.handshake.auth?.nodeId;
      const nodeId = typeof given === 'string' && given ? given : null;
      // A key stands for one node (a dev-<id> key, a configured pair, or the first node it
      // registered) and a node for one key: claiming another's node is refused at the handshake,
      // a CONNECT_ERROR the agent reads as a final refusal.
      const problem = nodeId === null ? null : this.bindings.problem(key, nodeId);
      if (problem !== null) {
        this.counters.authFailures++;
        this.counters.nodeRefusals++;
        this.log.warn('fleet: refused a key claiming a node that is not its own', { address: socket.handshake.address, key: fingerprint(key), nodeId, problem });
        const err = new Error(`node refused: ${problem}`) as Error & { data?: unknown };
        err.data = { code: ErrorCodes.FW_AUTH_REJECTED, nodeId };
        return next(err);
      }
      socket.data.key = key;
      socket.data.nodeId = nodeId ?? this.bindings.nodeOf(key);
      next();
    });
    this.nsp.on('connection', (socket) => this.onConnection(socket));
  }

  /** Node ids with a live connection. */
  connectedNodes(): string[] {
    return [...this.byNode.keys()];
  }

  startInstance(nodeId: string, cmd: fleet.StartInstance): Promise<CommandResult> {
    return this.command(nodeId, 'start_instance', cmd);
  }

  stopInstance(nodeId: string, cmd: fleet.StopInstance): Promise<CommandResult> {
    return this.command(nodeId, 'stop_instance', cmd);
  }

  drainNode(nodeId: string, reason = 'Scheduled maintenance'): Promise<CommandResult> {
    return this.command(nodeId, 'drain_node', { nodeId, reason });
  }

  /** Like sendRaw, and also reaches a node connected to another process (cluster worker, Redis peer). */
  async sendRawAnywhere(nodeId: string, event: string, payload: unknown): Promise<boolean> {
    if (this.sendRaw(nodeId, event, payload)) return true;
    return this.opts.remote ? this.opts.remote.sendRaw(nodeId, event, payload) : false;
  }

  /** Closes this process's connection `connId` of `nodeId` (a cluster primary decided another one owns the node). */
  evict(nodeId: string, connId: string, why: string): boolean {
    const s = this.byNode.get(nodeId);
    if (!s || s.id !== connId) return false;
    this.counters.nodeRefusals++;
    this.log.warn('fleet: closed a connection the cluster gave to another', { nodeId, why });
    s.disconnect(true);
    return true;
  }

  /**
   * Sends a command to a node connected to this process only; `{sent:false}` when it is not.
   * The payload is not validated (the process that took the request did that).
   */
  commandLocal(nodeId: string, event: string, payload: unknown, timeoutMs: number): Promise<CommandResult> {
    const s = this.byNode.get(nodeId);
    if (!s) return Promise.resolve({ sent: false, acked: false });
    this.traffic.out.add(event);
    return new Promise((resolve) => {
      s.timeout(timeoutMs).emit(event, payload, (err: Error | null, ack: unknown) => {
        resolve(err ? { sent: true, acked: false } : { sent: true, acked: true, ack });
      });
    });
  }

  /** Sends anything, unvalidated: for testing how agents take bad input. */
  sendRaw(nodeId: string, event: string, payload: unknown): boolean {
    const s = this.byNode.get(nodeId);
    if (!s) return false;
    s.emit(event, payload);
    this.traffic.out.add(event.slice(0, 64));
    return true;
  }

  /** Drops a node's connection (the agent sees a transport close and reconnects). */
  disconnectNode(nodeId: string): boolean {
    const s = this.byNode.get(nodeId);
    if (!s) return false;
    s.conn.close(); // transport-level close, like a network drop (not "io server disconnect", which means "go away")
    return true;
  }

  private command<E extends keyof fleet.FleetServerToAgent>(nodeId: string, event: E, payload: fleet.FleetServerToAgent[E]): Promise<CommandResult> {
    const v = V[event];
    if (!v.check(payload)) {
      return Promise.reject(
        new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, `invalid ${event}: ${v.explain(payload).join('; ')}`, { event }),
      );
    }
    const timeoutMs = this.opts.commandAckTimeoutMs ?? 5000;
    if (!this.byNode.has(nodeId) && this.opts.remote) return this.opts.remote.command(nodeId, event, payload, timeoutMs);
    return this.commandLocal(nodeId, event, payload, timeoutMs);
  }

  private onConnection(socket: Socket): void {
    const sink = this.sink;
    let nodeId: string | null = null;
    const key = socket.data.key as string;
    /** Registers this connection as node `id`; false (nothing changed) when its key may not. */
    const bind = (id: string): boolean => {
      const problem = this.bindings.claim(key, id);
      if (problem !== null) {
        this.counters.nodeRefusals++;
        this.log.warn('fleet: refused a key claiming a node that is not its own', { key: fingerprint(key), nodeId: id, problem });
        return false;
      }
      nodeId = id;
      const prev = this.byNode.get(id);
      if (prev && prev !== socket) prev.disconnect(true); // a node has one live connection: the newest wins
      this.byNode.set(id, socket);
      sink.online(id, socket.id, key);
      this.log.info('fleet: node online', { nodeId: id });
      return true;
    };
    const claimed = socket.data.nodeId as string | null;
    if (claimed && !bind(claimed)) {
      // Bound by another connection between this one's handshake and now.
      socket.disconnect(true);
      return;
    }

    const hooks = this.opts.hooks;
    const traffic = this.traffic;
    const ok = (ack: unknown, event: AckedEvent, t0: number) => {
      if (typeof ack !== 'function') return;
      const delay = hooks?.ackDelayMs?.() ?? 0;
      if (delay > 0) setTimeout(() => this.ack(ack as (r: unknown) => void, event, t0), delay);
      else this.ack(ack as (r: unknown) => void, event, t0);
    };
    const record = this.opts.record ? (event: string, payload: unknown) => this.received.push({ nodeId, event, payload }) : null;
    const reject = (ack: unknown, event: string, problems: string[]) => {
      this.counters.protocolErrors++;
      this.log.warn(`fleet: invalid ${event}`, { nodeId, problems });
      if (typeof ack === 'function') ack({ success: false, error: `invalid ${event}: ${problems.join('; ')}` });
    };

    // A handler that throws costs this one connection, never the process (issue 10).
    const guard = <A extends unknown[]>(where: string, fn: (...a: A) => void) => (...a: A): void => {
      try {
        fn(...a);
      } catch (err) {
        this.fault(socket, where, err);
      }
    };

    socket.on('heartbeat', guard('heartbeat', (payload: unknown, ack?: unknown) => {
      const t0 = hooks ? performance.now() : 0;
      traffic.in.add('heartbeat');
      record?.('heartbeat', payload);
      if (!V.heartbeat.check(payload)) return reject(ack, 'heartbeat', V.heartbeat.explain(payload));
      if (nodeId === null) {
        if (!bind(payload.nodeId)) return reject(ack, 'heartbeat', [`/nodeId: node ${payload.nodeId} is not this key's node`]);
      } else if (payload.nodeId !== nodeId) return reject(ack, 'heartbeat', [`/nodeId: this connection is node ${nodeId}, not ${payload.nodeId}`]);
      this.counters.heartbeats++;
      sink.heartbeat(payload);
      ok(ack, 'heartbeat', t0);
    }));

    for (const event of ['instance_started', 'instance_stopped'] as const) {
      socket.on(event, guard(event, (payload: unknown, ack?: unknown) => {
        const t0 = hooks ? performance.now() : 0;
        traffic.in.add(event);
        record?.(event, payload);
        const v = V[event];
        if (!v.check(payload)) return reject(ack, event, v.explain(payload));
        if (nodeId === null) return reject(ack, event, ['node unknown: send a heartbeat or auth.nodeId first']);
        if (event === 'instance_started') sink.instanceStarted(nodeId, payload as fleet.InstanceStarted);
        else sink.instanceStopped(nodeId, payload as fleet.InstanceStopped);
        ok(ack, event, t0);
      }));
    }

    socket.onAny(guard('onAny', (event: unknown, ...args: unknown[]) => {
      if (event === 'heartbeat' || event === 'instance_started' || event === 'instance_stopped') return;
      // Socket.IO allows numeric event names: the name is shown, never used as a key.
      const name = typeof event === 'string' ? event.slice(0, 64) : `(${typeof event})`;
      traffic.in.add('invalid');
      record?.(name, args[0]);
      reject(args[args.length - 1], name, [`unknown event ${typeof event === 'string' ? JSON.stringify(name) : name}`]);
    }));

    socket.on('disconnect', (reason) => {
      if (nodeId !== null && this.byNode.get(nodeId) === socket) {
        this.byNode.delete(nodeId);
        sink.offline(nodeId, socket.id);
        this.log.info('fleet: node offline', { nodeId, reason });
      }
    });
  }

  /** Sends a success ack, counts it and reports its latency (the metrics hook keeps plain numbers). */
  private ack(ack: (r: unknown) => void, event: AckedEvent, t0: number): void {
    ack(ACK_OK);
    this.traffic.out.add(ACK_KEY[event]);
    this.opts.hooks?.acked?.(event, performance.now() - t0);
  }

  /** Logs and counts a thrown handler and closes that connection (1011 where the transport has close codes). */
  private fault(socket: Socket, where: string, err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.log.warn(`fleet: handler threw in ${where}; closing that connection`, { nodeId: socket.data.nodeId, error: e.message });
    try {
      this.opts.hooks?.handlerError?.(e);
    } catch {
      // a failing metrics hook must not turn a contained fault into a crash
    }
    // engine.io's websocket transport wraps a `ws` socket: close it with 1011 (internal error), as the other dialects do.
    const ws = (socket.conn.transport as unknown as { name?: string; socket?: { close?(code: number, reason: string): void } });
    if (ws.name === 'websocket' && typeof ws.socket?.close === 'function') ws.socket.close(1011, 'internal error');
    else socket.disconnect(true);
  }
}
