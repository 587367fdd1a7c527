/**
 * A lean stand-in for socket.io-client's Socket on the `/fleet` namespace: one
 * `ws` WebSocket speaking Engine.IO v4 / Socket.IO v5 (frames.ts), and nothing
 * else per agent — no Manager, no Engine, no Transport, no decoder emitter, no
 * per-socket timers (deadlines and acks live in the process's LeanHub).
 *
 * It implements the part of socket.io-client's Socket that FleetAgent uses (and
 * with the same semantics, so FleetAgent runs unchanged on top and keeps all it
 * promises: auth in the header and the CONNECT packet, acked outbox, re-report,
 * backoff, typed errors): connect / disconnect / connected / active / auth,
 * `on` for connect, connect_error, disconnect, `onAny`, `timeout(ms).emit(ev,
 * payload, ack)`, `emitWithAck`, and `io.opts` / `io.engine` (readyState,
 * close). socket.io-client reconnection is off in FleetAgent (its Reconnector
 * retries), so there is none here either.
 *
 * Differences, on purpose: no send buffer (an emit while disconnected is not
 * sent — its ack, if timed, times out; FleetAgent sends only while connected
 * and empties socket.io's buffer on every disconnect anyway); websocket
 * transport only; no binary packets (fleet is JSON; one is a parse error).
 */
import WebSocket from 'ws';
import type { IoOptions } from '@fleetwire/sdk';
import { decodeOpen, decodeSio, FrameError, PONG, type NamespaceFrames } from './frames.js';
import { type AckFn, type AckOwner, type LeanHub, type PendingAck } from './hub.js';
import { Deadline, type DeadlineOwner } from './deadline.js';
import type { SourcePool } from './source-pool.js';

type Listener = (...args: unknown[]) => void;

/** Connection phases. */
const CLOSED = 0, OPENING = 1, HANDSHAKE = 2, CONNECTED = 3;
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** `ws` with a back reference, so one set of module-level handlers serves every socket (no closures per agent). */
type OwnedWs = WebSocket & { owner?: LeanSocket | null };

/**
 * An all-zero masking key: `ws` then sends a text frame as header + the string
 * as is (one writev), instead of copying it into a Buffer and XOR-ing it. RFC
 * 6455 wants client frames masked so that a browser's script cannot steer
 * bytes on the wire to poison an intermediary's cache; a simulator's own frames
 * need no such protection, and a zero key is still a valid masked frame.
 */
function zeroMask(): void {}

function onWsMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  (this as OwnedWs).owner?.onFrame(this as OwnedWs, data, isBinary);
}
function onWsClose(this: WebSocket): void {
  (this as OwnedWs).owner?.onWsGone(this as OwnedWs, 'transport close');
}
function onWsError(this: WebSocket): void {
  // ws follows every 'error' with 'close'; listening here keeps an error from being thrown.
  (this as OwnedWs).owner?.onWsGone(this as OwnedWs, 'transport error');
}

/** The part of socket.io-client's `socket.io` (Manager) and `socket.io.engine` FleetAgent reads. */
class EngineView {
  constructor(private readonly s: LeanSocket) {}
  get opts(): IoOptions {
    return this.s.opts;
  }
  get engine(): EngineView {
    return this;
  }
  get transport(): { close(): void } {
    return { close: () => this.s.closeTransport() };
  }
  get readyState(): 'opening' | 'open' | 'closed' {
    return this.s.readyState;
  }
  /** Closes the transport the way a network failure would (socket.io-client's engine.close()). */
  close(): void {
    this.s.lose('forced close');
  }
  /** Stops hearing the transport (what `engine.off()` does to socket.io-client): a zombie, for dead-link tests. */
  off(): void {
    this.s.deaf = true;
  }
}

export class LeanSocket implements AckOwner, DeadlineOwner {
  /** Handshake auth, sent in the CONNECT packet of every attempt (FleetAgent rewrites it per attempt). */
  auth: unknown;
  /** The server's socket id while connected. */
  id: string | undefined = undefined;
  /** socket.io-client has one; FleetAgent empties it on disconnect. Nothing is ever buffered here. */
  sendBuffer: unknown[] = [];
  /** Set by `io.engine.off()`: transport events are no longer heard. */
  deaf = false;
  private phase = CLOSED;
  private activeFlag = false;
  private ws: OwnedWs | null = null;
  private wsDead = false;
  private flagTimeout: number | undefined = undefined;
  private listeners: Record<string, Listener[]> = {};
  private anyListeners: Listener[] = [];
  private pendingHead: PendingAck | null = null;
  private connectDeadline: Deadline | null = null;
  private pingWatch: Deadline | null = null;
  private pingDeadline = 0;
  private pingWindowMs = 0;
  private view: EngineView | null = null;

  constructor(
    private readonly hub: LeanHub,
    private readonly frames: NamespaceFrames,
    /** `ws://host:port/socket.io/?EIO=4&transport=websocket` */
    private readonly wsUrl: string,
    readonly opts: IoOptions,
    /** Source pairs to bind, one per connection (its `connect`); null: the OS picks (or `opts.localAddress`). */
    private readonly sources: SourcePool | null = null,
  ) {
    this.auth = opts.auth;
  }

  get connected(): boolean {
    return this.phase === CONNECTED;
  }

  /** socket.io-client: true from connect() until a refusal, a server disconnect or disconnect(). */
  get active(): boolean {
    return this.activeFlag;
  }

  get io(): EngineView {
    return (this.view ??= new EngineView(this));
  }

  get readyState(): 'opening' | 'open' | 'closed' {
    if (this.ws === null || this.wsDead) return 'closed';
    return this.phase === OPENING ? 'opening' : 'open';
  }

  on(event: string, fn: Listener): this {
    (this.listeners[event] ??= []).push(fn);
    return this;
  }

  off(event?: string, fn?: Listener): this {
    if (event === undefined) this.listeners = {};
    else if (fn === undefined) delete this.listeners[event];
    else this.listeners[event] = (this.listeners[event] ?? []).filter((l) => l !== fn);
    return this;
  }

  onAny(fn: Listener): this {
    this.anyListeners.push(fn);
    return this;
  }

  /** The next emit's ack times out after `ms` (its callback then gets an Error first). */
  timeout(ms: number): this {
    this.flagTimeout = ms;
    return this;
  }

  connect(): this {
    if (this.phase !== CLOSED) return this;
    this.activeFlag = true;
    const o = this.opts as IoOptions & { maxPayload?: number };
    const ws = new WebSocket(this.wsUrl, {
      headers: o.extraHeaders ?? {},
      perMessageDeflate: false,
      // JSON.parse does not care; a bad byte becomes U+FFFD, never a crash.
      skipUTF8Validation: true,
      maxPayload: o.maxPayload ?? 1_000_000,
      generateMask: zeroMask,
      ...(this.sources ? { createConnection: this.sources.connect } : o.localAddress ? { localAddress: o.localAddress } : {}),
    }) as OwnedWs;
    ws.owner = this;
    ws.on('message', onWsMessage);
    ws.on('close', onWsClose);
    ws.on('error', onWsError);
    this.ws = ws;
    this.wsDead = false;
    this.deaf = false;
    this.phase = OPENING;
    const d = (this.connectDeadline = new Deadline(this));
    d.due = performance.now() + (o.timeout ?? 20_000);
    this.hub.wheel.add(d);
    return this;
  }

  /** socket.io-client's disconnect(): DISCONNECT packet if connected, close, 'io client disconnect'. */
  disconnect(): this {
    const was = this.phase;
    if (was === CONNECTED) this.send(this.frames.disconnect);
    this.activeFlag = false;
    this.teardown(false);
    if (was === CONNECTED) this.closed('io client disconnect');
    return this;
  }

  close(): this {
    return this.disconnect();
  }

  emit(event: string, ...args: unknown[]): this {
    if (RESERVED.has(event)) throw new Error(`"${event}" is a reserved event name`);
    const timeout = this.flagTimeout;
    this.flagTimeout = undefined;
    const last = args[args.length - 1];
    let id = -1;
    if (typeof last === 'function') {
      args.pop();
      // Not connected and no timeout: nothing will ever answer or fail it (socket.io-client would buffer the emit).
      if (this.phase !== CONNECTED && timeout === undefined) return this;
      const a = this.hub.register(this, last as AckFn, timeout);
      this.link(a);
      id = a.id;
    }
    if (this.phase !== CONNECTED) return this;
    this.send(args.length === 1 ? this.frames.event1(id, event, args[0]) : this.frames.event(id, [event, ...args]));
    return this;
  }

  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const fn: AckFn = (err: unknown, value: unknown) => (err ? reject(err) : resolve(value));
      fn.withError = true;
      this.emit(event, ...args, fn);
    });
  }

  // ── transport events ───────────────────────────────────────────────────

  /** @internal One WebSocket message: one Engine.IO packet. */
  onFrame(ws: OwnedWs, data: Buffer, isBinary: boolean): void {
    if (ws !== this.ws || this.deaf) return;
    if (isBinary) return this.lose('parse error');
    const s = data.toString();
    switch (s.charCodeAt(0)) {
      case 50: // '2' ping (v4: the server pings, the client answers)
        this.send(PONG);
        this.pingDeadline = performance.now() + this.pingWindowMs;
        return;
      case 52: // '4' message: a Socket.IO packet
        return this.onPacket(s);
      case 48: // '0' open
        return this.onOpen(s);
      case 49: // '1' close
        return this.lose('transport close');
      case 51: // '3' pong, '6' noop: nothing to do
      case 54:
        return;
      default:
        return this.lose('parse error');
    }
  }

  /** @internal The WebSocket closed or failed. */
  onWsGone(ws: OwnedWs, reason: string): void {
    if (ws !== this.ws) return;
    if (this.deaf) {
      this.wsDead = true;
      return;
    }
    this.lose(reason);
  }

  /** @internal The wheel says a deadline passed. */
  onDeadline(d: Deadline, now: number): void {
    if (d === this.connectDeadline) {
      this.connectDeadline = null;
      if (this.phase === OPENING || this.phase === HANDSHAKE) this.lose('timeout');
    } else if (d === this.pingWatch) {
      if (this.phase === CLOSED) return;
      // Pings move the deadline without touching the wheel; re-arm at the moved deadline.
      if (now < this.pingDeadline) {
        d.due = this.pingDeadline;
        this.hub.wheel.add(d);
      } else if (!this.deaf) this.lose('ping timeout');
    }
  }

  /** @internal */
  ackTimedOut(a: PendingAck): void {
    this.settle(a);
    a.fn(new Error('operation has timed out'));
  }

  /** @internal Closes the WebSocket under the socket (`engine.transport.close()`). */
  closeTransport(): void {
    if (this.ws === null) return;
    if (this.deaf) {
      this.wsDead = true;
      this.ws.terminate();
    } else this.lose('transport close');
  }

  /**
   * @internal The transport is gone (or unusable): close it, then tell the
   * listeners what socket.io-client would — `disconnect` with the reason when
   * connected, `connect_error` during the handshake.
   */
  lose(reason: string): void {
    const was = this.phase;
    if (was === CLOSED) return;
    this.teardown(true);
    if (was === CONNECTED) this.closed(reason);
    else this.fire('connect_error', new Error(reason === 'transport close' || reason === 'transport error' ? 'websocket error' : reason));
  }

  // ── internals ─────────────────────────────────────────────────────────

  private onOpen(s: string): void {
    if (this.phase !== OPENING) return this.lose('parse error');
    let open;
    try {
      open = decodeOpen(s.slice(1));
    } catch {
      return this.lose('parse error');
    }
    this.phase = HANDSHAKE;
    this.pingWindowMs = open.pingInterval + open.pingTimeout;
    this.pingDeadline = performance.now() + this.pingWindowMs;
    const w = (this.pingWatch = new Deadline(this));
    w.due = this.pingDeadline;
    this.hub.wheel.add(w);
    this.send(this.frames.connect(typeof this.auth === 'function' ? undefined : this.auth));
  }

  private onPacket(s: string): void {
    let p;
    try {
      p = decodeSio(s, this.frames.nsp, 1);
    } catch (e) {
      if (e instanceof FrameError) return this.lose('parse error');
      throw e;
    }
    if (p === null) return; // another namespace
    switch (p.type) {
      case 0: // CONNECT
        if (this.phase !== HANDSHAKE) return;
        this.phase = CONNECTED;
        if (this.connectDeadline) this.hub.wheel.remove(this.connectDeadline);
        this.connectDeadline = null;
        this.id = (p.data as { sid?: string } | undefined)?.sid;
        this.fire('connect');
        return;
      case 1: // DISCONNECT from the server: socket.io-client deactivates (no retry of its own)
        this.activeFlag = false;
        return this.lose('io server disconnect');
      case 2: // EVENT
        if (this.phase === CONNECTED) this.onEvent(p.data as unknown[], p.id);
        return;
      case 3: // ACK
        return this.onAck(p.id, p.data as unknown[]);
      case 4: {
        // CONNECT_ERROR: a refusal. socket.io-client deactivates, so the caller knows it is not a transport failure.
        const d = p.data as { message?: unknown; data?: unknown } | string;
        const err = new Error(typeof d === 'string' ? d : String(d.message ?? 'connect error')) as Error & { data?: unknown };
        if (typeof d !== 'string' && d.data !== undefined) err.data = d.data;
        this.activeFlag = false;
        this.teardown(false);
        this.fire('connect_error', err);
        return;
      }
    }
  }

  private onEvent(args: unknown[], id: number): void {
    if (id >= 0) {
      const ws = this.ws;
      let sent = false;
      args.push((...reply: unknown[]) => {
        if (sent || ws !== this.ws || this.phase !== CONNECTED) return;
        sent = true;
        this.send(this.frames.ack(id, reply));
      });
    }
    for (const l of this.anyListeners) l(...args);
    const named = this.listeners[args[0] as string];
    if (named) for (const l of named) l(...args.slice(1));
  }

  private onAck(id: number, data: unknown[]): void {
    const a = id >= 0 ? this.hub.find(id, this) : undefined;
    if (a === undefined) return; // unknown, already timed out, or another socket's: ignored, as socket.io-client does
    this.settle(a);
    if (a.withError) a.fn(null, ...data);
    else a.fn(...data);
  }

  private send(frame: string): void {
    const ws = this.ws;
    if (ws !== null && ws.readyState === WebSocket.OPEN) ws.send(frame);
  }

  /** Closes the WebSocket (politely, or at once for a lost link) and stops its deadlines. */
  private teardown(abrupt: boolean): void {
    const ws = this.ws;
    this.ws = null;
    this.phase = CLOSED;
    this.id = undefined;
    if (this.connectDeadline) this.hub.wheel.remove(this.connectDeadline);
    if (this.pingWatch) this.hub.wheel.remove(this.pingWatch);
    this.connectDeadline = this.pingWatch = null;
    if (ws === null) return;
    ws.owner = null; // its late events reach no one; the listeners stay so an 'error' is never unhandled
    if (abrupt || ws.readyState !== WebSocket.OPEN) ws.terminate();
    else ws.close();
  }

  /** After a connected socket closed: 'disconnect', then the pending acks fail (socket.io-client's order). */
  private closed(reason: string): void {
    let a = this.pendingHead;
    this.pendingHead = null;
    this.fire('disconnect', reason);
    while (a !== null) {
      const next = a.next;
      a.prev = a.next = null;
      this.hub.forget(a);
      if (a.withError) a.fn(new Error('socket has been disconnected'));
      a = next;
    }
  }

  private fire(event: string, ...args: unknown[]): void {
    const ls = this.listeners[event];
    if (ls) for (const l of ls.length === 1 ? ls : ls.slice()) l(...args);
  }

  private link(a: PendingAck): void {
    a.next = this.pendingHead;
    if (this.pendingHead) this.pendingHead.prev = a;
    this.pendingHead = a;
  }

  /** Removes `a` from the table, the wheel and this socket's list. */
  private settle(a: PendingAck): void {
    this.hub.forget(a);
    if (a.prev) a.prev.next = a.next;
    else if (this.pendingHead === a) this.pendingHead = a.next;
    if (a.next) a.next.prev = a.prev;
    a.prev = a.next = null;
  }
}
