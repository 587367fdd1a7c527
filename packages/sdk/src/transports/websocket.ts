/**
 * A plain-WebSocket transport for the JSON dialects (monitor, lightd, vstats,
 * control-plane). It hides the platform differences that matter to us:
 * - the constructor is injectable; the default is the `ws` package in Node and
 *   the browser's WebSocket in browsers (both via isomorphic-ws), or whatever
 *   replaced `globalThis.WebSocket` after the SDK loaded (msw) — see
 *   {@link defaultWebSocket} for why Node does not use its built-in one;
 * - every attempt ends exactly once: on `error`, on `close` or on the connect
 *   timeout, whichever comes first. Node 22's built-in WebSocket (undici) fires
 *   `error` without `close` when a connection is refused, so waiting for
 *   `close` alone left a client `connecting` forever;
 * - frames are parsed once here; a frame that is not a JSON object becomes
 *   `onMalformed`, never an exception;
 * - the HTTP status of a refused upgrade (401) is recovered where the platform
 *   exposes it (the `ws` package does; browsers and undici only report 1006).
 */
import IsoWebSocket from 'isomorphic-ws';
import { unref } from '../core/timers.js';

/** The part of the WHATWG WebSocket API the SDK uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** A WebSocket constructor: `globalThis.WebSocket`, the `ws` package, msw's patched one… */
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: unknown) => WebSocketLike;

/** `globalThis.WebSocket` as it was when the SDK loaded: a later replacement (msw) is told apart from it. */
const globalAtLoad = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;

/**
 * The constructor the SDK uses when none is injected, read at connect time:
 * - `globalThis.WebSocket` when it was replaced after the SDK loaded (msw's
 *   interceptor patches it in `server.listen()`), so in-process mocks still work;
 * - else isomorphic-ws: the browser's own WebSocket in a browser bundle, and the
 *   `ws` package in Node — also on Node 22, which has a built-in WebSocket.
 *   The built-in one (undici) hides the HTTP status of a refused upgrade (a 401
 *   looks like close 1006, so a bad key is retried instead of being final),
 *   ignores `maxPayload` (a huge frame is buffered whole) and cannot send
 *   headers such as `Origin`. `ws` does all three, identically on Node 20 and 22.
 */
export function defaultWebSocket(): WebSocketConstructor {
  const g = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (g && g !== globalAtLoad) return g;
  return (IsoWebSocket as unknown as WebSocketConstructor | null) ?? (g as WebSocketConstructor);
}

/** Default connect timeout: an attempt that has not opened by then ends as a connect failure. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface CloseInfo {
  code: number;
  reason: string;
  /** HTTP status of a refused upgrade, when the platform tells (e.g. 401). */
  httpStatus?: number;
  /** True when the socket never opened. */
  neverOpened: boolean;
}

export interface WsHandlers {
  onOpen(): void;
  onMessage(msg: Record<string, unknown>): void;
  onMalformed(raw: string, problem: string): void;
  onClose(info: CloseInfo): void;
}

export interface WsTransportOptions {
  WebSocket?: WebSocketConstructor;
  /** Largest frame accepted from the server, in bytes (applied where the platform allows: `ws`). Default 16 MiB. */
  maxPayload?: number;
  /** Extra handshake headers (Node `ws` only; browsers cannot set them). */
  headers?: Record<string, string>;
  /** Milliseconds an attempt may take to open before it ends as close 1006 (connect failure). Default 10 000. */
  connectTimeoutMs?: number;
}

const OPEN = 1;

/** One WebSocket connection. Create a new one per attempt. */
export class WsTransport {
  private ws: WebSocketLike | null;
  private opened = false;
  private httpStatus: number | undefined;
  private lastError = '';
  /** Set once the attempt has ended (reported or closed by the owner): nothing is reported after. */
  private ended = false;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(url: string, private readonly handlers: WsHandlers, options: WsTransportOptions = {}) {
    const Ctor = options.WebSocket ?? defaultWebSocket();
    let ws: WebSocketLike;
    try {
      ws = new Ctor(url, undefined, { maxPayload: options.maxPayload ?? 16 * 1024 * 1024, headers: options.headers });
    } catch (err) {
      // A malformed URL throws synchronously; report it as a close so the caller's loop sees one path.
      this.ws = null;
      queueMicrotask(() => this.end(1006, String((err as Error).message ?? err)));
      return;
    }
    this.ws = ws;
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // The socket itself keeps Node alive while it connects; the timer need not.
    this.connectTimer = unref(setTimeout(() => this.end(1006, `connect timeout: not open after ${timeoutMs} ms`), timeoutMs));
    ws.onopen = () => {
      if (this.ended) return;
      clearTimeout(this.connectTimer);
      this.opened = true;
      handlers.onOpen();
    };
    ws.onmessage = (ev) => {
      if (this.ended) return;
      const raw = typeof ev.data === 'string' ? ev.data : decode(ev.data);
      let msg: unknown;
      try {
        msg = JSON.parse(raw);
      } catch (err) {
        handlers.onMalformed(raw, `not JSON: ${(err as Error).message}`);
        return;
      }
      if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
        handlers.onMalformed(raw, 'not a JSON object');
        return;
      }
      handlers.onMessage(msg as Record<string, unknown>);
    };
    ws.onerror = (ev) => {
      // An error is always fatal to a WebSocket, and undici (Node 22) may never
      // follow it with `close`: the attempt ends here, as close 1006 (the code
      // browsers and `ws` give the close that follows an error).
      // `ws` reports a refused upgrade as "Unexpected server response: 401",
      // and a frame over maxPayload as "Max payload size exceeded".
      this.lastError = errorMessage(ev);
      const m = /Unexpected server response: (\d{3})/.exec(this.lastError);
      if (m) this.httpStatus = Number(m[1]);
      this.end(1006, this.lastError || 'WebSocket error');
    };
    ws.onclose = (ev) => {
      // A close without a reason of its own says why through the error that caused it.
      this.end(ev.code, ev.reason || this.lastError);
    };
  }

  /** Ends the attempt once: stops the timer, lets the socket go, reports onClose. */
  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.release();
    this.handlers.onClose({ code, reason, httpStatus: this.httpStatus, neverOpened: !this.opened });
  }

  /** Marks the attempt ended and closes the socket without listening to it any more. */
  private release(code = 1000, reason = 'client closing'): void {
    this.ended = true;
    clearTimeout(this.connectTimer);
    const ws = this.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // `ws` emits 'error' when closed mid-handshake and throws if nobody listens.
    ws.onerror = () => {};
    try {
      ws.close(code, reason);
    } catch {
      // close() throws on an invalid code in some implementations; the socket is going away anyway.
    }
  }

  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === OPEN;
  }

  /** Sends one JSON message. Returns false when the socket is not open (nothing sent). */
  send(msg: unknown): boolean {
    if (!this.ws || this.ws.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** Sends a raw string frame (used by chaos tests to send malformed frames). */
  sendRaw(data: string): boolean {
    if (!this.ws || this.ws.readyState !== OPEN) return false;
    this.ws.send(data);
    return true;
  }

  /** Closes without reporting onClose (the owner initiated it). */
  close(code = 1000, reason = 'client closing'): void {
    this.release(code, reason);
  }
}

function errorMessage(ev: unknown): string {
  const e = ev as { message?: unknown; error?: { message?: unknown } };
  return String(e?.message ?? e?.error?.message ?? '');
}

function decode(data: unknown): string {
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return String(data);
}

/** Close codes and HTTP statuses that mean "you are not allowed" (docs/protocols/README.md). */
export const AUTH_CLOSE_CODES: readonly number[] = [4001, 1008];
export const AUTH_HTTP_STATUSES: readonly number[] = [401, 403];

/** True when a close means the credentials were refused: retrying with them is pointless. */
export function isAuthClose(info: CloseInfo): boolean {
  return AUTH_CLOSE_CODES.includes(info.code) || (info.httpStatus !== undefined && AUTH_HTTP_STATUSES.includes(info.httpStatus));
}
