/**
 * The server side of shared/protocols/lightd.md on a `ws` WebSocketServer
 * (noServer, routed by path through the HttpHost): `/ws/:internal_id?token=`.
 * - the token is checked at the upgrade: a bad one gets an HTTP 401 and no socket;
 *   a single-use token is consumed by its first successful connection;
 * - a token that expires mid-session closes the socket with 4001, both at its
 *   expiry (a timer) and on a periodic sweep (catches tokens expired through the API);
 * - each client has its own stream: its own stats change detection, its own subscription;
 * - an unknown container is accepted but gets no events (the document's rule).
 */
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { lightd } from '@fleetwire/sdk';
import { sameStats, type LightdState, type SimContainer, type TokenRecord } from '../state/lightd.js';
import type { HttpHost } from '../http-host.js';
import { silentLogger, type Logger } from '../logger.js';

const V = lightd.lightdValidators.fromClient;
const OPEN = 1;

export interface LightdServerOptions {
  state: LightdState;
  logger?: Logger;
  /** Largest frame accepted, bytes (bigger closes with 1009). Default 64 KiB. */
  maxPayload?: number;
  /** Send `console duplicate` after every `console` (the document's compatibility event). Default true. */
  sendDuplicates?: boolean;
  /** Period of the token-expiry sweep, ms. Default 1000. */
  expiryCheckMs?: number;
}

interface Client {
  ws: WebSocket;
  internalId: string;
  token: TokenRecord;
  lastStats: lightd.StatsFields | null;
  expiry: ReturnType<typeof setTimeout> | null;
  unsubscribe(): void;
}

export interface LightdCounters {
  refused: number;
  expired: number;
  invalidMessages: number;
}

export class LightdServer {
  readonly wss: WebSocketServer;
  readonly counters: LightdCounters = { refused: 0, expired: 0, invalidMessages: 0 };
  readonly received: { internalId: string; msg: unknown }[] = [];
  private readonly clients = new Set<Client>();
  private readonly sweep: ReturnType<typeof setInterval>;
  private readonly log: Logger;

  constructor(
    http: HttpHost,
    private readonly opts: LightdServerOptions,
  ) {
    this.log = opts.logger ?? silentLogger;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 64 * 1024 });
    http.onUpgrade((req, socket, head) => this.upgrade(req, socket, head));
    this.sweep = setInterval(() => this.expireDue(), opts.expiryCheckMs ?? 1000);
    this.sweep.unref();
  }

  /** Live clients (of one container, or all). */
  clientCount(internalId?: string): number {
    let n = 0;
    for (const c of this.clients) if (internalId === undefined || c.internalId === internalId) n++;
    return n;
  }

  /** Sends a raw frame to every client of a container (tests: malformed frames). */
  sendRaw(internalId: string, data: string): number {
    let n = 0;
    for (const c of this.clients) if (c.internalId === internalId && c.ws.readyState === OPEN) (c.ws.send(data), n++);
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

  close(): Promise<void> {
    clearInterval(this.sweep);
    for (const c of this.clients) this.drop(c);
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/ws\/([^/]+)$/.exec(url.pathname);
    if (!m) return false;
    const internalId = decodeURIComponent(m[1]!);
    const check = this.opts.state.check(url.searchParams.get('token'), internalId);
    if (!check.ok) {
      this.counters.refused++;
      this.log.warn('lightd: refused a console connection', { internalId, reason: check.reason });
      socket.end(`HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${check.reason.length}\r\n\r\n${check.reason}`);
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.opts.state.consume(check.record);
      this.accept(ws, internalId, check.record);
    });
    return true;
  }

  private accept(ws: WebSocket, internalId: string, token: TokenRecord): void {
    const container = this.opts.state.containers.get(internalId);
    const client: Client = { ws, internalId, token, lastStats: null, expiry: null, unsubscribe: () => {} };
    this.clients.add(client);
    ws.on('error', (err) => this.log.warn('lightd: socket error', { internalId, error: err.message }));
    if (token.expiresAt !== null) {
      client.expiry = setTimeout(() => this.expireClient(client), Math.max(0, token.expiresAt - Date.now()));
      client.expiry.unref();
    }
    if (container) this.subscribe(client, container);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(client, container, data, isBinary));
    ws.on('close', () => this.drop(client));
    this.log.info('lightd: console connected', { internalId, known: !!container });
  }

  private subscribe(client: Client, c: SimContainer): void {
    const send = (msg: object) => client.ws.readyState === OPEN && client.ws.send(JSON.stringify(msg));
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

  private onMessage(client: Client, c: SimContainer | undefined, data: RawData, isBinary: boolean): void {
    let msg: unknown = null;
    if (!isBinary) {
      try {
        msg = JSON.parse(data.toString());
      } catch {
        msg = null;
      }
    }
    this.received.push({ internalId: client.internalId, msg });
    if (this.received.length > 10_000) this.received.shift();
    const event = (msg as { event?: unknown } | null)?.event;
    const v = typeof event === 'string' && Object.prototype.hasOwnProperty.call(V, event) ? V[event as keyof typeof V] : null;
    if (!v || !v.check(msg)) {
      // The document defines no error reply; lightd's own error channel is a daemon message.
      this.counters.invalidMessages++;
      this.log.warn('lightd: invalid client message', { internalId: client.internalId });
      if (client.ws.readyState === OPEN) client.ws.send(JSON.stringify({ event: 'daemon_message', data: 'Error: invalid message' }));
      return;
    }
    if (!c) return; // unknown container: accepted, but nothing happens
    const m = msg as lightd.SendCommand | lightd.Power | lightd.RequestLogs;
    if (m.event === 'send_command') c.command(m.command);
    else if (m.event === 'power') c.power(m.action);
    else if (client.ws.readyState === OPEN) client.ws.send(JSON.stringify({ event: 'logs', data: c.logs() }));
  }

  private expireClient(client: Client): void {
    if (!this.clients.has(client)) return;
    this.counters.expired++;
    this.log.info('lightd: token expired, closing the console', { internalId: client.internalId });
    client.ws.close(lightd.LIGHTD_TOKEN_EXPIRED_CLOSE, 'token expired');
    this.drop(client);
  }

  private drop(client: Client): void {
    if (!this.clients.delete(client)) return;
    if (client.expiry) clearTimeout(client.expiry);
    client.unsubscribe();
  }
}
