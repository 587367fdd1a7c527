/**
 * The skeleton the plain-WebSocket JSON clients share (MonitorAgent, the two
 * monitor streams, LightdConsole): one WsTransport per attempt, the core
 * Reconnector for backoff/state/terminal auth, a bounded SendQueue for plain
 * sends while not ready, and malformed frames reported, never thrown.
 * A dialect supplies the URL (per attempt, so tokens can be refreshed), what to
 * do on open, how to read a frame and how to classify a close.
 *
 * Lives beside the monitor dialect for now; a candidate for core/.
 */
import { ErrorCodes, FleetwireError, messageOf, type ErrorCode } from '../../core/errors.js';
import { TypedEmitter } from '../../core/emitter.js';
import { Reconnector, type Failure, type ReconnectOptions } from '../../core/reconnector.js';
import { SendQueue } from '../../core/send-queue.js';
import { TransitionCodes, type ConnectionState, type StateTransition } from '../../core/state.js';
import { WsTransport, isAuthClose, type CloseInfo, type WebSocketConstructor } from '../../transports/websocket.js';
import { malformed } from './inbound.js';

export interface WsClientOptions extends ReconnectOptions {
  /** WebSocket constructor. Default: globalThis.WebSocket, else isomorphic-ws. */
  WebSocket?: WebSocketConstructor;
  /** Largest inbound frame in bytes (where the platform allows). Default 16 MiB. */
  maxPayload?: number;
  /** Plain sends kept while disconnected (oldest dropped first). Default 1000. */
  sendQueueCapacity?: number;
}

/** The events the skeleton itself emits. */
export interface WsClientBaseEvents {
  state: (t: StateTransition) => void;
  reconnecting: (info: { delayMs: number; attempt: number }) => void;
  disconnected: (info: { code: number; reason: string }) => void;
  error: (err: FleetwireError) => void;
}

type Emit = (event: string, ...args: unknown[]) => boolean;

export abstract class WsClient<E extends WsClientBaseEvents & { [K in keyof E]: (...args: any[]) => void }> extends TypedEmitter<E> {
  protected readonly reconnector: Reconnector;
  protected transport: WsTransport | null = null;
  protected readonly queue: SendQueue<object>;
  /** True once the dialect's handshake is done on the current transport. */
  protected ready = false;
  private generation = 0;

  constructor(
    protected readonly dialect: string,
    private readonly wsOptions: WsClientOptions,
  ) {
    super();
    this.queue = new SendQueue<object>(wsOptions.sendQueueCapacity ?? 1000, (dropped) =>
      this.fail(ErrorCodes.FW_QUEUE_OVERFLOW, `${dialect}: send queue full; dropped the oldest message`, { dropped }),
    );
    this.reconnector = new Reconnector(wsOptions, {
      attempt: () => void this.attempt(),
      onTransition: (t) => this.emitAny('state', t),
      onRetryScheduled: (delayMs, attempt) => this.emitAny('reconnecting', { delayMs, attempt }),
    });
  }

  /** Starts connecting (and reconnecting). Returns this for chaining. */
  connect(): this {
    this.reconnector.start();
    return this;
  }

  /** Closes for good: no more retries; queued sends are kept for a later connect(). */
  close(): void {
    this.generation++;
    this.ready = false;
    this.onDown();
    this.reconnector.stop();
    this.transport?.close(1000, 'client closing');
    this.transport = null;
  }

  /** The connection state (idle, connecting, connected, reconnecting, closed). */
  get state(): ConnectionState {
    return this.reconnector.state;
  }

  /** Plain messages waiting for the next connection. */
  get queuedSends(): number {
    return this.queue.size;
  }

  /** The URL of the next attempt; may call a token provider. A rejection fails the attempt. */
  protected abstract url(): Promise<string>;
  /** The socket is open. Send the dialect's auth here, or call markReady(). */
  protected abstract onOpen(): void;
  /** One JSON object from the server. */
  protected abstract onFrame(msg: Record<string, unknown>): void;
  /** The transport went away or the client closed: stop timers. */
  protected onDown(): void {}

  /**
   * Maps a close to a Failure and reports it. Default: 401/403/4001/1008 are
   * auth rejections; a socket that never opened is a connect failure; else lost.
   */
  protected classifyClose(info: CloseInfo, wasReady: boolean): Failure {
    if (isAuthClose(info)) {
      this.fail(ErrorCodes.FW_AUTH_REJECTED, `${this.dialect}: the server refused the credentials (${describe(info)})`, { ...info });
      return { code: TransitionCodes.AUTH_REJECTED, reason: describe(info), auth: true };
    }
    if (info.neverOpened || !wasReady) {
      this.fail(ErrorCodes.FW_CONNECT_FAILED, `${this.dialect}: connect failed (${describe(info)})`, { ...info });
      return { code: TransitionCodes.CONNECT_FAILED, reason: describe(info) };
    }
    this.fail(ErrorCodes.FW_CONNECTION_LOST, `${this.dialect}: connection lost (${describe(info)})`, { ...info });
    return { code: TransitionCodes.CONNECTION_LOST, reason: describe(info) };
  }

  /** The handshake is done: state → connected, queued sends go out in order. */
  protected markReady(reason: string): void {
    this.ready = true;
    this.reconnector.opened(reason);
    for (const m of this.queue.drain()) this.transport?.send(m);
  }

  /** Sends now when ready, else queues (bounded, oldest dropped). */
  protected send(msg: object): void {
    if (this.ready && this.transport?.send(msg)) return;
    this.queue.push(msg);
  }

  /** Ends the current transport from our side and reports `f` (e.g. an auth error reply). */
  protected abort(f: Failure): void {
    this.generation++;
    const wasReady = this.ready;
    this.ready = false;
    this.transport?.close(1000, f.reason);
    this.transport = null;
    this.onDown();
    if (wasReady) this.emitAny('disconnected', { code: 1000, reason: f.reason });
    this.reconnector.failed(f);
  }

  protected fail(code: ErrorCode, message: string, context: Record<string, unknown> = {}, cause?: unknown): void {
    this.emitAny('error', new FleetwireError(code, message, context, cause === undefined ? undefined : { cause }));
  }

  protected emitAny(event: string, ...args: unknown[]): void {
    (this.emit as unknown as Emit).call(this, event, ...args);
  }

  private async attempt(): Promise<void> {
    const gen = ++this.generation;
    let url: string;
    try {
      url = await this.url();
    } catch (err) {
      if (gen !== this.generation) return;
      this.fail(ErrorCodes.FW_HANDLER_FAILED, `${this.dialect}: could not build the connection URL: ${messageOf(err)}`, {}, err);
      this.reconnector.failed({ code: TransitionCodes.CONNECT_FAILED, reason: messageOf(err) });
      return;
    }
    if (gen !== this.generation) return; // closed meanwhile
    this.transport = new WsTransport(
      url,
      {
        onOpen: () => gen === this.generation && this.onOpen(),
        onMessage: (msg) => gen === this.generation && this.onFrame(msg),
        onMalformed: (raw, problem) => gen === this.generation && this.emitAny('error', malformed(this.dialect, raw, problem)),
        onClose: (info) => {
          if (gen !== this.generation) return;
          const wasReady = this.ready;
          this.ready = false;
          this.transport = null;
          this.onDown();
          if (!info.neverOpened) this.emitAny('disconnected', { code: info.code, reason: info.reason });
          this.reconnector.failed(this.classifyClose(info, wasReady));
        },
      },
      { WebSocket: this.wsOptions.WebSocket, maxPayload: this.wsOptions.maxPayload },
    );
  }
}

/** `close 1006` / `HTTP 401` — for messages. */
export function describe(info: CloseInfo): string {
  if (info.httpStatus) return `HTTP ${info.httpStatus} at the upgrade`;
  return `close ${info.code}${info.reason ? ` ${info.reason}` : ''}`;
}
