/**
 * The skeleton every plain-WebSocket JSON client shares (MonitorAgent, the
 * monitor streams, LightdConsole, VStatsAgent, VStatsDashboard,
 * ControlPlaneEvents): one WsTransport per attempt, the core Reconnector for
 * backoff / state / terminal auth, a bounded SendQueue for plain sends made
 * while not ready, every close turned into a stable error code, malformed
 * frames reported and never thrown, and `token=` hidden wherever a URL or a
 * close reason reaches an error or a state reason.
 *
 * A dialect supplies the URL (asked per attempt, so tokens can be refreshed),
 * what to do on open (send its auth, or call markReady() at once), how to read
 * a frame, and — when its document gives closes a meaning of their own —
 * classifyClose().
 */
import type { ClientEvents, ConnectOptions } from './client.js';
import { ErrorCodes, FleetwireError, invalidArgument, messageOf, type ErrorCode } from './errors.js';
import { TypedEmitter } from './emitter.js';
import { malformed, redact } from './inbound.js';
import { EmitterHooks, Reconnector, type Failure, type ReconnectOptions } from './reconnector.js';
import { SendQueue } from './send-queue.js';
import { TransitionCodes, type ConnectionState } from './state.js';
import { WsTransport, isAuthClose, type CloseInfo, type WebSocketConstructor } from '../transports/websocket.js';

export interface WsClientOptions extends ReconnectOptions {
  /**
   * WebSocket constructor. Default: the `ws` package in Node (20 and 22 alike: HTTP status of a
   * refused upgrade, maxPayload, headers), the browser's WebSocket in browsers, or
   * `globalThis.WebSocket` when something (msw) replaced it after the SDK loaded.
   */
  WebSocket?: WebSocketConstructor;
  /** Milliseconds a connection attempt may take to open before it fails (FW_CONNECT_FAILED) and is retried. Default 10 000. */
  connectTimeoutMs?: number;
  /** Largest inbound frame in bytes (where the platform allows: `ws`). Default 16 MiB. */
  maxPayload?: number;
  /** Plain sends kept while disconnected (oldest dropped first, FW_QUEUE_OVERFLOW). Default 1000. */
  sendQueueCapacity?: number;
}

/** What a dialect passes besides the caller's options. */
export interface WsClientSetup {
  /** Extra handshake headers, e.g. `Origin` (Node `ws` only; browsers cannot set them). Default none. */
  headers?: Record<string, string>;
}

type Emit = (event: string, ...args: unknown[]) => boolean;

export abstract class WsClient<E extends ClientEvents & { [K in keyof E]: (...args: any[]) => void }> extends TypedEmitter<E> {
  protected readonly reconnector: Reconnector;
  protected transport: WsTransport | null = null;
  protected readonly queue: SendQueue<object>;
  /** True once the dialect's handshake is done on the current transport. */
  protected ready = false;
  /** The URL of the current (or last) attempt with its token hidden: safe for errors and logs. */
  protected safeUrl = '';
  /** Bumped on every attempt, abort() and close(), so late callbacks of a stale socket or URL are ignored. */
  private generation = 0;

  constructor(
    protected readonly dialect: string,
    private readonly wsOptions: WsClientOptions,
    private readonly setup: WsClientSetup = {},
  ) {
    super();
    const t = wsOptions.connectTimeoutMs;
    if (t !== undefined && !(typeof t === 'number' && t > 0 && t <= 2_147_483_647)) {
      invalidArgument(`${dialect}: connectTimeoutMs must be a number of milliseconds > 0, got ${String(t)}`);
    }
    this.queue = new SendQueue<object>(wsOptions.sendQueueCapacity ?? 1000, (dropped) =>
      this.fail(ErrorCodes.FW_QUEUE_OVERFLOW, `${dialect}: send queue full; dropped the oldest message`, { dropped }),
    );
    this.reconnector = new Reconnector(wsOptions, new EmitterHooks(this as unknown as { emit(event: string, ...args: unknown[]): boolean }, () => void this.attempt()));
  }

  /**
   * Starts connecting (and reconnecting). Resolves with this client on the first
   * accepted connection; rejects with the FleetwireError that made the attempt
   * final (see {@link FleetwireClient.connect}). Safe to ignore.
   */
  connect(options?: ConnectOptions): Promise<this> {
    return this.reconnector.connect(this, options);
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

  /** The URL of the next attempt; may call a token provider. A throw or rejection fails the attempt (FW_HANDLER_FAILED). */
  protected abstract url(): string | Promise<string>;
  /** The socket is open. Send the dialect's auth here, or call markReady(). */
  protected abstract onOpen(): void;
  /** One JSON object from the server. */
  protected abstract onFrame(msg: Record<string, unknown>): void;
  /** The transport went away or the client closed: stop timers. Runs before `disconnected` is emitted. */
  protected onDown(): void {}

  /** A frame that is not a JSON object. Default: an FW_PROTOCOL_MALFORMED `error` event. */
  protected onMalformed(raw: string, problem: string): void {
    this.emitAny('error', malformed(this.dialect, raw, problem));
  }

  /**
   * Maps a close to a Failure and reports it. Default: HTTP 401/403 and close
   * 4001/1008 are auth rejections; a socket that closed before the handshake
   * finished is a connect failure; else the connection was lost.
   */
  protected classifyClose(info: CloseInfo, wasReady: boolean): Failure {
    const what = describeClose(info);
    const closeCode = info.neverOpened ? undefined : info.code;
    if (isAuthClose(info)) {
      const error = this.fail(ErrorCodes.FW_AUTH_REJECTED, `${this.dialect}: the server refused the credentials (${what})`, this.closeContext(info));
      return { code: TransitionCodes.AUTH_REJECTED, reason: what, auth: true, closeCode, error };
    }
    // Routine reconnect noise: carried by `reconnecting` / `disconnected`, not emitted on `error`.
    if (info.neverOpened || !wasReady) {
      const error = this.fault(ErrorCodes.FW_CONNECT_FAILED, `${this.dialect}: connect failed (${what})`, this.closeContext(info));
      return { code: TransitionCodes.CONNECT_FAILED, reason: what, closeCode, error };
    }
    const error = this.fault(ErrorCodes.FW_CONNECTION_LOST, `${this.dialect}: connection lost (${what})`, this.closeContext(info));
    return { code: TransitionCodes.CONNECTION_LOST, reason: what, closeCode, error };
  }

  /** The context of a close error: the code, reason, HTTP status and the redacted URL. */
  protected closeContext(info: CloseInfo): Record<string, unknown> {
    return { ...info, url: this.safeUrl };
  }

  /** The handshake is done (auth accepted where the dialect has it): state → connected, `connected`, queued sends go out in order. */
  protected markReady(reason: string): void {
    this.ready = true;
    // Queued sends first, so whatever a `connected` listener sends comes after them.
    for (const m of this.queue.drain()) this.transport?.send(m);
    this.reconnector.opened(reason);
  }

  /** Sends now when ready, else queues (bounded, oldest dropped). For messages that stay worth sending later. */
  protected send(msg: object): void {
    if (this.ready && this.transport?.send(msg)) return;
    this.queue.push(msg);
  }

  /** Sends only when ready; false when nothing was sent. For current-state messages a later send would make stale. */
  protected sendNow(msg: object): boolean {
    return this.ready && (this.transport?.send(msg) ?? false);
  }

  /** Ends the current transport from our side and reports `f` (e.g. an auth error reply). */
  protected abort(f: Failure): void {
    this.generation++;
    const wasReady = this.ready;
    this.ready = false;
    this.transport?.close(1000, f.reason);
    this.transport = null;
    this.onDown();
    this.reconnector.failed(wasReady ? { closeCode: 1000, ...f } : f);
  }

  /** Emits a fault on `error` and returns it (to carry in a Failure too). */
  protected fail(code: ErrorCode, message: string, context: Record<string, unknown> = {}, cause?: unknown): FleetwireError {
    const err = this.fault(code, message, context, cause);
    this.emitAny('error', err);
    return err;
  }

  /** Builds an error without emitting it: for reconnect noise, carried by `reconnecting` and connect()'s rejection. */
  protected fault(code: ErrorCode, message: string, context: Record<string, unknown> = {}, cause?: unknown): FleetwireError {
    return new FleetwireError(code, message, context, cause === undefined ? undefined : { cause });
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
      // A credential provider that throws is the caller's fault to fix: `error`, then retried like any failed attempt.
      const error = this.fail(ErrorCodes.FW_HANDLER_FAILED, `${this.dialect}: could not build the connection URL: ${messageOf(err)}`, {}, err);
      this.reconnector.failed({ code: TransitionCodes.CONNECT_FAILED, reason: messageOf(err), error });
      return;
    }
    if (gen !== this.generation) return; // closed meanwhile
    this.safeUrl = redact(url);
    this.transport = new WsTransport(
      url,
      {
        onOpen: () => gen === this.generation && this.onOpen(),
        onMessage: (msg) => gen === this.generation && this.onFrame(msg),
        onMalformed: (raw, problem) => gen === this.generation && this.onMalformed(raw, problem),
        onClose: (info) => {
          if (gen !== this.generation) return;
          const wasReady = this.ready;
          this.ready = false;
          this.transport = null;
          this.onDown();
          // A URL that fails to parse comes back as the close reason: hide its token too.
          const safe = { ...info, reason: redact(info.reason) };
          // The Reconnector emits `disconnected` when this was an accepted connection.
          this.reconnector.failed(this.classifyClose(safe, wasReady));
        },
      },
      { WebSocket: this.wsOptions.WebSocket, maxPayload: this.wsOptions.maxPayload, headers: this.setup.headers, connectTimeoutMs: this.wsOptions.connectTimeoutMs },
    );
  }
}

/** `close 1006 reason` / `HTTP 401 at the upgrade` — for messages and state reasons. */
export function describeClose(info: CloseInfo): string {
  if (info.httpStatus) return `HTTP ${info.httpStatus} at the upgrade`;
  return `close ${info.code}${info.reason ? ` ${info.reason}` : ''}`;
}
