/**
 * The connect / reconnect / classify-the-close loop shared by the plain-WebSocket
 * clients of this folder and of control-plane: one WsTransport per attempt, the
 * core Reconnector for backoff and terminal auth, and every close turned into a
 * stable error code. A dialect client supplies the URL and handles messages.
 * (Candidate for core/ once a second owner needs it; kept here to stay in my paths.)
 */
import { ErrorCodes, FleetwireError, messageOf, type ErrorCode } from '../../core/errors.js';
import { Reconnector, type ReconnectOptions } from '../../core/reconnector.js';
import { TransitionCodes, type ConnectionState, type StateTransition } from '../../core/state.js';
import { WsTransport, isAuthClose, type CloseInfo, type WebSocketConstructor } from '../../transports/websocket.js';

export interface WsClientOptions extends ReconnectOptions {
  /** WebSocket constructor. Default `globalThis.WebSocket`, else the `ws` package (isomorphic-ws). */
  WebSocket?: WebSocketConstructor;
  /** Largest inbound frame in bytes (where the platform allows: `ws`). Default 16 MiB. */
  maxPayload?: number;
}

export interface WsConnectionHooks {
  onOpen(): void;
  onMessage(msg: Record<string, unknown>): void;
  onMalformed(raw: string, problem: string): void;
  /** The open connection ended (not called for failed attempts nor after stop()). */
  onLost(info: CloseInfo): void;
  onError(err: FleetwireError): void;
  onTransition(t: StateTransition): void;
  onRetryScheduled(delayMs: number, attempt: number): void;
}

export class WsConnection {
  private readonly reconnector: Reconnector;
  private transport: WsTransport | null = null;
  /** Bumped on every attempt and on stop(), so a late async URL never opens a stale socket. */
  private generation = 0;

  constructor(
    private readonly url: () => string | Promise<string>,
    private readonly opts: WsClientOptions & { headers?: Record<string, string> },
    private readonly hooks: WsConnectionHooks,
  ) {
    this.reconnector = new Reconnector(opts, {
      attempt: () => void this.attempt(),
      onTransition: (t) => hooks.onTransition(t),
      onRetryScheduled: (d, n) => hooks.onRetryScheduled(d, n),
    });
  }

  get state(): ConnectionState {
    return this.reconnector.state;
  }

  get isOpen(): boolean {
    return this.transport?.isOpen ?? false;
  }

  start(): void {
    this.reconnector.start();
  }

  stop(): void {
    this.generation++;
    this.reconnector.stop();
    this.transport?.close(1000, 'client closing');
    this.transport = null;
  }

  /** Sends one JSON message; false when not open (nothing sent). */
  send(msg: unknown): boolean {
    return this.transport?.send(msg) ?? false;
  }

  /** Sends a raw frame (tests of the peer's malformed-input path). */
  sendRaw(data: string): boolean {
    return this.transport?.sendRaw(data) ?? false;
  }

  private async attempt(): Promise<void> {
    const gen = ++this.generation;
    let url: string;
    try {
      url = await this.url();
    } catch (err) {
      if (gen !== this.generation) return;
      this.error(ErrorCodes.FW_HANDLER_FAILED, `URL/token provider failed: ${messageOf(err)}`, {}, err);
      this.reconnector.failed({ code: TransitionCodes.CONNECT_FAILED, reason: messageOf(err) });
      return;
    }
    if (gen !== this.generation) return;
    this.transport = new WsTransport(
      url,
      {
        onOpen: () => {
          this.reconnector.opened(`open ${redact(url)}`);
          this.hooks.onOpen();
        },
        onMessage: (m) => this.hooks.onMessage(m),
        onMalformed: (raw, problem) => this.hooks.onMalformed(raw, problem),
        onClose: (info) => {
          if (gen !== this.generation) return;
          this.transport = null;
          this.closed(info, url);
        },
      },
      { WebSocket: this.opts.WebSocket, maxPayload: this.opts.maxPayload, headers: this.opts.headers },
    );
  }

  private closed(info: CloseInfo, url: string): void {
    const where = { url: redact(url), code: info.code, reason: info.reason, httpStatus: info.httpStatus };
    if (!info.neverOpened) this.hooks.onLost(info);
    if (isAuthClose(info)) {
      const what = info.httpStatus ? `HTTP ${info.httpStatus} at upgrade` : `close ${info.code} ${info.reason}`;
      this.error(ErrorCodes.FW_AUTH_REJECTED, `server refused the connection (${what})`, where);
      this.reconnector.failed({ code: TransitionCodes.AUTH_REJECTED, reason: what, auth: true });
    } else if (info.neverOpened) {
      this.error(ErrorCodes.FW_CONNECT_FAILED, `connect failed (${info.httpStatus ? `HTTP ${info.httpStatus}` : `close ${info.code}`})`, where);
      this.reconnector.failed({ code: TransitionCodes.CONNECT_FAILED, reason: `close ${info.code} ${info.reason}`.trim() });
    } else {
      this.error(ErrorCodes.FW_CONNECTION_LOST, `connection lost (close ${info.code}${info.reason ? ` ${info.reason}` : ''})`, where);
      this.reconnector.failed({ code: TransitionCodes.CONNECTION_LOST, reason: `close ${info.code} ${info.reason}`.trim() });
    }
  }

  private error(code: ErrorCode, message: string, context: Record<string, unknown>, cause?: unknown): void {
    this.hooks.onError(new FleetwireError(code, message, context, cause === undefined ? undefined : { cause }));
  }
}

/** Hides `token=` values in URLs that end up in errors and logs. */
export function redact(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1***');
}

/** `base` (http(s) or ws(s)) + path + query, as a ws(s):// URL. A path already on `base` is kept if it ends with `path`. */
export function wsUrl(base: string, path: string, query: Record<string, string | undefined> = {}): string {
  const u = new URL(base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  const p = u.pathname.replace(/\/+$/, '');
  if (!p.endsWith(path)) u.pathname = p + path;
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

/** Validation outcome for one inbound message of a `{type}` or `{event}` dialect. */
export type Checked<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; context: Record<string, unknown> };

/** Looks up the validator for `key` and checks `msg`: unknown → FW_PROTOCOL_UNKNOWN, schema failure → FW_PROTOCOL_INVALID. */
export function checkInbound<T>(
  validators: Record<string, { check(v: unknown): boolean; explain(v: unknown): string[] }>,
  field: 'type' | 'event',
  msg: Record<string, unknown>,
): Checked<T> {
  const key = msg[field];
  const v = typeof key === 'string' && Object.hasOwn(validators, key) ? validators[key] : undefined;
  if (!v) return { ok: false, code: ErrorCodes.FW_PROTOCOL_UNKNOWN, message: `unknown ${field} ${JSON.stringify(key)}`, context: { [field]: key } };
  if (!v.check(msg)) {
    const problems = v.explain(msg);
    return { ok: false, code: ErrorCodes.FW_PROTOCOL_INVALID, message: `invalid ${String(key)}: ${problems.join('; ')}`, context: { [field]: key, problems } };
  }
  return { ok: true, value: msg as T };
}
