/**
 * The server side of docs/protocols/control-plane.md, independent of the
 * transport (the `ws` network server in server.ts and the msw handlers drive it):
 * a push-only broadcast of the bus's messages to every client on `/ws`.
 * Anything a client sends is ignored and logged — never answered, never a
 * reason to disconnect (README decision). `?token=` is accepted; with
 * `requireToken` a missing or unknown one is refused (401).
 */
import { KeyStore } from '../keys.js';
import { silentLogger, type Logger } from '../logger.js';
import type { FleetState } from '../state/fleet.js';
import { JobsState } from '../state/jobs.js';
import { controlPlane as cp } from '@fleetwire/sdk';
import { ControlPlaneBus } from './bus.js';
import type { ConnectionHandler, MessageHook, Peer, Router } from '../transport/peer.js';

export interface ControlPlaneCoreOptions {
  /** Refuse (401) connections without a valid `?token=`. Default false (the document: no auth yet). */
  requireToken?: boolean;
  /** Accepted tokens when `requireToken`. Default: none (so requireToken refuses everyone). */
  tokens?: KeyStore | string[];
  /** Fleet state to turn into agent:* and instance:* events. Default none. */
  fleetState?: FleetState;
  /** Simulated jobs to turn into job:* events. Default a new JobsState (closed with the core). */
  jobs?: JobsState;
  /** A bus to publish on. Default a new one. */
  bus?: ControlPlaneBus;
  logger?: Logger;
  /** See FleetBridgeOptions. Default 30000. */
  heartbeatThrottleMs?: number;
  /** Called for every message in and out, by event (metrics). Client frames count as `in`/`ignored`. */
  onMessage?: MessageHook;
}

export interface ControlPlaneCounters {
  connections: number;
  authFailures: number;
  /** Client frames received and ignored. */
  ignoredMessages: number;
  pingDrops: number;
  broadcasts: number;
}

export class ControlPlaneCore {
  readonly bus: ControlPlaneBus;
  readonly jobs: JobsState;
  readonly counters: ControlPlaneCounters = { connections: 0, authFailures: 0, ignoredMessages: 0, pingDrops: 0, broadcasts: 0 };
  /** The last 100 ignored client frames (first 200 chars each), oldest first. */
  readonly ignored: string[] = [];
  private readonly clients = new Set<Peer>();
  private readonly tokens: KeyStore;
  private readonly unfollow: (() => void)[];
  private readonly log: Logger;
  private readonly hook: MessageHook;
  private readonly broadcast = (msg: cp.ControlPlaneMessage) => {
    this.counters.broadcasts++;
    if (this.clients.size === 0) return;
    const frame = JSON.stringify(msg);
    for (const c of this.clients) c.send(frame);
    this.hook('out', msg.event, this.clients.size);
  };

  constructor(private readonly opts: ControlPlaneCoreOptions = {}) {
    this.log = opts.logger ?? silentLogger;
    this.hook = opts.onMessage ?? (() => {});
    this.tokens = opts.tokens instanceof KeyStore ? opts.tokens : new KeyStore(opts.tokens ?? []);
    this.bus = opts.bus ?? new ControlPlaneBus();
    this.jobs = opts.jobs ?? new JobsState();
    this.unfollow = [this.bus.followJobs(this.jobs)];
    if (opts.fleetState) this.unfollow.push(this.bus.followFleet(opts.fleetState, { heartbeatThrottleMs: opts.heartbeatThrottleMs }));
    this.bus.on('message', this.broadcast);
  }

  readonly route: Router = (req) => {
    if (req.path !== cp.CONTROL_PLANE_PATH) return null;
    const token = req.query.get('token');
    if (this.opts.requireToken && !this.tokens.has(token)) {
      this.counters.authFailures++;
      this.log.warn('control-plane: refused a client without a valid token', { address: req.remoteAddress, hadToken: token !== null });
      return { refuse: { status: 401, reason: 'token required' } };
    }
    return { accept: (peer) => this.accept(peer) };
  };

  clientCount(): number {
    return this.clients.size;
  }

  /** Sends an already validated message to this process's clients only (a cluster peer relayed it from its bus). */
  deliver(msg: cp.ControlPlaneMessage): void {
    this.broadcast(msg);
  }

  /** Sends a raw frame to every client (tests of the SDK's malformed-frame path). */
  sendRaw(data: string): void {
    for (const c of this.clients) c.send(data);
  }

  /** Stops following state (and closes the jobs it made itself); the transport closes the sockets. */
  dispose(): void {
    this.bus.off('message', this.broadcast);
    for (const u of this.unfollow.splice(0)) u();
    if (!this.opts.jobs) this.jobs.close();
    this.clients.clear();
  }

  private accept(peer: Peer): ConnectionHandler {
    return {
      onOpen: () => {
        this.counters.connections++;
        this.clients.add(peer);
        this.log.info('control-plane: client connected', { clients: this.clients.size });
      },
      onMessage: (text) => {
        // Push-only: log and ignore, whatever it is (JSON or not).
        this.counters.ignoredMessages++;
        this.hook('in', 'ignored');
        const preview = text.slice(0, 200);
        this.ignored.push(preview);
        if (this.ignored.length > 100) this.ignored.shift();
        this.log.warn('control-plane: ignored a client message (the stream is push-only)', { bytes: text.length, preview: preview.slice(0, 80) });
      },
      onClose: () => void this.clients.delete(peer),
      onError: (err) => this.log.warn('control-plane: client socket error', { error: err.message }),
    };
  }
}
