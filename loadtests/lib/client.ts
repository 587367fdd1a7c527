/**
 * A transport-agnostic Socket.IO v5 client for one namespace: feed it every text
 * frame the WebSocket receives, give it a `send` function, and it runs the
 * handshake, answers pings, joins the namespace with auth, emits events with
 * acks and routes server events. The k6 fleet script wraps k6's WebSocket with
 * it; the wire test wraps the `ws` package — same code on both.
 */
import { AckTracker, type AckResult, type LateAck } from './acks.ts';
import {
  PacketType,
  connectErrorMessage,
  decodeFrame,
  encodeAck,
  encodeConnect,
  encodeDisconnect,
  encodeEvent,
  encodePong,
  type EngineOpen,
  type FramingErrorCode,
} from './socketio.ts';

export type ClientState = 'opening' | 'joining' | 'connected' | 'refused' | 'closed';

/** Callbacks; all optional. */
export interface ClientHandlers {
  /** Engine.IO handshake received. */
  onOpen?(open: EngineOpen): void;
  /** Namespace joined; `joinMs` is from the open packet to the CONNECT reply. */
  onConnect?(sid: string, joinMs: number): void;
  /** The server refused the namespace (bad key). */
  onConnectError?(message: string): void;
  /** A server event. `reply` is set when the server asked for an ack. */
  onEvent?(name: string, args: unknown[], reply?: (...args: unknown[]) => void): void;
  /** The server pinged and the client answered. */
  onPing?(): void;
  /** An ack for an event whose ack had already timed out (reported lost by {@link SocketIoClient.sweep}). */
  onLateAck?(late: LateAck): void;
  /** A frame that could not be understood, or an ack for an id never sent (or already acked). */
  onProtocolError?(code: FramingErrorCode | 'FW_ACK_UNKNOWN', message: string): void;
  /** The server closed the engine or disconnected the namespace. */
  onDisconnect?(reason: string): void;
}

export interface ClientOptions {
  /** Namespace to join, e.g. `/fleet`. */
  namespace: string;
  /** Handshake `auth` object sent with the namespace CONNECT. */
  auth?: Record<string, unknown>;
  /** Writes one text frame to the socket. */
  send(frame: string): void;
  /** Ack timeout in ms (default 10 000). */
  ackTimeoutMs?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

export class SocketIoClient {
  state: ClientState = 'opening';
  /** The engine handshake, once received. */
  open?: EngineOpen;
  readonly acks: AckTracker;
  private openedAt = 0;
  private readonly now: () => number;

  constructor(
    private readonly opts: ClientOptions,
    private readonly on: ClientHandlers = {},
  ) {
    this.now = opts.now ?? (() => Date.now());
    this.acks = new AckTracker(opts.ackTimeoutMs ?? 10_000, this.now);
  }

  /**
   * Handles one frame received from the socket. Never throws on bad input.
   * Frames still arriving after the client closed (acks in flight when the
   * session ended, whose pending entries were dropped) are ignored, not
   * reported as acks for unknown ids.
   */
  handleFrame(data: unknown): void {
    if (this.state === 'closed') return;
    const f = decodeFrame(data);
    switch (f.kind) {
      case 'error':
        this.on.onProtocolError?.(f.code, f.message);
        return;
      case 'open':
        this.open = f.open;
        this.openedAt = this.now();
        this.state = 'joining';
        this.on.onOpen?.(f.open);
        this.opts.send(encodeConnect(this.opts.namespace, this.opts.auth));
        return;
      case 'ping':
        // Engine.IO v4: the server pings, the client must pong within pingTimeout.
        this.opts.send(encodePong(f.data));
        this.on.onPing?.();
        return;
      case 'close':
        this.closed('server closed the engine');
        return;
      case 'pong':
      case 'noop':
        return;
      case 'packet':
        break;
    }
    const p = f.packet;
    if (p.nsp !== this.opts.namespace) {
      this.on.onProtocolError?.('FW_PROTOCOL_UNKNOWN', `packet for namespace ${p.nsp}, expected ${this.opts.namespace}`);
      return;
    }
    switch (p.type) {
      case PacketType.CONNECT: {
        const sid = (p.data as { sid?: unknown } | undefined)?.sid;
        this.state = 'connected';
        this.on.onConnect?.(typeof sid === 'string' ? sid : '', this.now() - this.openedAt);
        return;
      }
      case PacketType.CONNECT_ERROR:
        this.state = 'refused';
        this.on.onConnectError?.(connectErrorMessage(p.data));
        return;
      case PacketType.DISCONNECT:
        this.closed('server disconnected the namespace');
        return;
      case PacketType.ACK:
        if (this.acks.settle(p.id as number, p.data as unknown[])) return;
        {
          // A late ack was already counted lost when it expired; it is not a protocol error.
          const late = this.acks.takeLate(p.id as number);
          if (late) this.on.onLateAck?.(late);
          else this.on.onProtocolError?.('FW_ACK_UNKNOWN', `ack for unknown id ${p.id}`);
        }
        return;
      case PacketType.EVENT: {
        const [name, ...args] = p.data as [string, ...unknown[]];
        const id = p.id;
        const reply = id === undefined ? undefined : (...a: unknown[]) => this.opts.send(encodeAck(this.opts.namespace, id, a));
        this.on.onEvent?.(name, args, reply);
        return;
      }
    }
  }

  /**
   * Emits an event. With `onAck` the event carries an ack id and `onAck` runs
   * once: on the ack, or on timeout from {@link sweep}. Returns the ack id, if any.
   * Emitting before the namespace is joined is a caller bug and is refused.
   */
  emit(event: string, payload: unknown, onAck?: (r: AckResult) => void): number | undefined {
    if (this.state !== 'connected') throw new Error(`cannot emit "${event}" while ${this.state}`);
    if (!onAck) {
      this.opts.send(encodeEvent(this.opts.namespace, event, payload));
      return undefined;
    }
    const id = this.acks.register(event, onAck);
    this.opts.send(encodeEvent(this.opts.namespace, event, payload, id));
    return id;
  }

  /** Times out overdue acks (call it from a timer); returns how many expired. */
  sweep(): number {
    return this.acks.expire();
  }

  /** Leaves the namespace politely (`41/nsp,`); the caller then closes the socket. */
  disconnect(): void {
    if (this.state === 'connected') this.opts.send(encodeDisconnect(this.opts.namespace));
    this.closed('client disconnect');
  }

  private closed(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.acks.clear();
    this.on.onDisconnect?.(reason);
  }
}
