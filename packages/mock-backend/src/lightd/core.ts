/**
 * The server side of docs/protocols/lightd.md, independent of the transport
 * (the `ws` network server in server.ts and the msw handlers drive it):
 * `/ws/:internal_id?token=`.
 * - the token is checked at the upgrade: a bad one is refused (network: HTTP 401
 *   and no socket; msw: a 1008 close before open);
 *   a single-use token is consumed by its first successful connection;
 * - a token that expires mid-session closes the socket with 4001, both at its
 *   expiry (a timer) and on a periodic sweep (catches tokens expired through the API);
 * - each client has its own stream: its own stats change detection, its own subscription;
 * - an unknown container is accepted but gets no events (the document's rule).
 */
import { lightd } from '@fleetwire/sdk';
import { sameStats, type LightdState, type SimContainer, type TokenRecord } from '../state/lightd.js';
import { silentLogger, type Logger } from '../logger.js';
import type { ConnectionHandler, MessageHook, Peer, Router } from '../transport/peer.js';
import type { SendBufferOptions } from '../transport/ws-peer.js';
import { setLongTimeout, type LongTimer } from '../long-timer.js';
import { own } from '../own.js';

const V = lightd.lightdValidators.fromClient;

export interface LightdCoreOptions extends SendBufferOptions {
  state: LightdState;
  logger?: Logger;
  /**
   * Largest client message handled, bytes. A bigger one is not parsed: it gets the
   * invalid-message daemon reply (`Error: message too large …`) and the console
   * stays open — lightd.md closes a session only for an expired token. Default 64 KiB.
   */
  maxMessageBytes?: number;
  /** Largest frame the socket will read at all, bytes: a memory cap (bigger closes with 1009). Default 16 MiB. */
  maxPayload?: number;
  /** Send `console duplicate` after every `console` (the document's compatibility event). Default true. */
  sendDuplicates?: boolean;
  /** Period of the token-expiry sweep, ms. Default 1000. */
  expiryCheckMs?: number;
  /** Called for every message in and out, by event (metrics). */
  onMessage?: MessageHook;
  /** Called once per exception a connection handler threw (that connection is closed with 1011). */
  onHandlerError?: (error: Error) => void;
}

/** The network server's options: the same. */
export type LightdServerOptions = LightdCoreOptions;

interface Client {
  peer: Peer;
  open: boolean;
  internalId: string;
  token: TokenRecord;
  lastStats: lightd.StatsFields | null;
  expiry: LongTimer | null;
  unsubscribe(): void;
}

export interface LightdCounters {
  refused: number;
  expired: number;
  invalidMessages: number;
}

export class LightdCore {
  readonly counters: LightdCounters = { refused: 0, expired: 0, invalidMessages: 0 };
  readonly received: { internalId: string; msg: unknown }[] = [];
  private readonly clients = new Set<Client>();
  private readonly sweep: ReturnType<typeof setInterval>;
  protected readonly log: Logger;
  private readonly hook: MessageHook;

  constructor(protected readonly opts: LightdCoreOptions) {
    this.log = opts.logger ?? silentLogger;
    this.hook = opts.onMessage ?? (() => {});
    this.sweep = setInterval(() => this.expireDue(), opts.expiryCheckMs ?? 1000);
    this.sweep.unref();
  }

  /** `/ws/:internal_id?token=`: the token is checked here, consumed when the socket opens. */
  readonly route: Router = (req) => {
    const m = /^\/ws\/([^/]+)$/.exec(req.path);
    if (!m) return null;
    let internalId: string;
    try {
      internalId = decodeURIComponent(m[1]!);
    } catch {
      return null;
    }
    const check = this.opts.state.check(req.query.get('token'), internalId);
    if (!check.ok) {
      this.counters.refused++;
      this.log.warn('lightd: refused a console connection', { internalId, reason: check.reason });
      return { refuse: { status: 401, reason: check.reason } };
    }
    return {
      accept: (peer) => {
        this.opts.state.consume(check.record);
        return this.accept(peer, internalId, check.record);
      },
    };
  };

  /** Live clients (of one container, or all). */
  clientCount(internalId?: string): number {
    let n = 0;
    for (const c of this.clients) if (internalId === undefined || c.internalId === internalId) n++;
    return n;
  }

  /** Sends a raw frame to every client of a container (tests: malformed frames). */
  sendRaw(internalId: string, data: string): number {
    let n = 0;
    for (const c of this.clients) if (c.internalId === internalId && c.open) (c.peer.send(data), n++);
    return n;
  }

  /** Closes sessions whose token has expired (4001). Runs periodically; callable after `state.expire()`. */
  expireDue(now = Date.now()): number {
    let n = 0;
    for (const c of this.clients) {
      if (c.token.expiresAt !== null && c.token.expiresAt <= now) (this.expireClient(c), n++);
    }
    return n;
  }

  /** Stops the expiry sweep and forgets every client (the transport closes the sockets). */
  dispose(): void {
    clearInterval(this.sweep);
    for (const c of this.clients) this.drop(c);
  }

  private accept(peer: Peer, internalId: string, token: TokenRecord): ConnectionHandler {
    const container = this.opts.state.containers.get(internalId);
    const client: Client = { peer, open: true, internalId, token, lastStats: null, expiry: null, unsubscribe: () => {} };
    this.clients.add(client);
    if (token.expiresAt !== null) {
      // A token may live up to 366 days: longer than one setTimeout can wait, so the timer chains.
      client.expiry = setLongTimeout(() => this.expireClient(client), token.expiresAt - Date.now());
    }
    this.log.info('lightd: console connected', { internalId, known: !!container });
    return {
      onOpen: () => {
        if (container) this.subscribe(client, container);
      },
      onMessage: (text, binary) => this.onMessage(client, container, text, binary),
      onClose: () => {
        client.open = false;
        this.drop(client);
      },
      onError: (err) => this.log.warn('lightd: socket error', { internalId, error: err.message }),
    };
  }

  private subscribe(client: Client, c: SimContainer): void {
    const send = (msg: { event: string; [k: string]: unknown }) => {
      if (!client.open) return;
      this.hook('out', msg.event);
      client.peer.send(JSON.stringify(msg));
    };
    const dup = this.opts.sendDuplicates ?? true;
    const onState = (s: lightd.ContainerState) => send({ event: 'event', data: s });
    const onConsole = (data: string) => {
      send({ event: 'console', data });
      if (dup) send({ event: 'console duplicate', data });
    };
    const onDaemon = (data: string) => send({ event: 'daemon_message', data });
    const onStats = (s: lightd.StatsFields) => {
      // Per-client change detection: this client gets stats only when they differ from what it last got.
      if (client.lastStats && sameStats(client.lastStats, s)) return;
      client.lastStats = s;
      send({ event: 'stats', ...s });
    };
    c.on('state', onState);
    c.on('console', onConsole);
    c.on('daemon_message', onDaemon);
    c.on('stats', onStats);
    client.unsubscribe = () => {
      c.off('state', onState);
      c.off('console', onConsole);
      c.off('daemon_message', onDaemon);
      c.off('stats', onStats);
    };
    // A new client learns where the container is now: its state, then its current stats.
    onState(c.state);
    onStats(c.stats);
  }

  private onMessage(client: Client, c: SimContainer | undefined, text: string, binary: boolean): void {
    let msg: unknown = null;
    const max = this.opts.maxMessageBytes ?? 64 * 1024;
    if (text.length > max) {
      this.counters.invalidMessages++;
      this.hook('in', 'invalid');
      this.log.warn('lightd: client message too large; ignored', { internalId: client.internalId, bytes: text.length, max });
      if (client.open) {
        this.hook('out', 'daemon_message');
        client.peer.send(JSON.stringify({ event: 'daemon_message', data: `Error: message too large (${text.length} bytes; at most ${max})` }));
      }
      return;
    }
    if (!binary) {
      try {
        msg = JSON.parse(text);
      } catch {
        msg = null;
      }
    }
    this.received.push({ internalId: client.internalId, msg });
    if (this.received.length > 10_000) this.received.shift();
    const event = (msg as { event?: unknown } | null)?.event;
    const v = own<(typeof V)[keyof typeof V]>(V, event) ?? null;
    this.hook('in', v ? (event as string) : 'invalid');
    const reply = (m: { event: string; data: unknown }) => {
      if (!client.open) return;
      this.hook('out', m.event);
      client.peer.send(JSON.stringify(m));
    };
    if (!v || !v.check(msg)) {
      // The document defines no error reply; lightd's own error channel is a daemon message.
      this.counters.invalidMessages++;
      this.log.warn('lightd: invalid client message', { internalId: client.internalId });
      reply({ event: 'daemon_message', data: 'Error: invalid message' });
      return;
    }
    if (!c) return; // unknown container: accepted, but nothing happens
    const m = msg as lightd.SendCommand | lightd.Power | lightd.RequestLogs;
    if (m.event === 'send_command') c.command(m.command);
    else if (m.event === 'power') c.power(m.action);
    else reply({ event: 'logs', data: c.logs() });
  }

  private expireClient(client: Client): void {
    if (!this.clients.has(client)) return;
    this.counters.expired++;
    this.log.info('lightd: token expired, closing the console', { internalId: client.internalId });
    client.peer.close(lightd.LIGHTD_TOKEN_EXPIRED_CLOSE, 'token expired');
    this.drop(client);
  }

  private drop(client: Client): void {
    if (!this.clients.delete(client)) return;
    client.expiry?.cancel();
    client.unsubscribe();
  }
}
