/**
 * A plain-WebSocket transport for the JSON dialects (monitor, lightd, vstats,
 * control-plane). It hides the platform differences that matter to us:
 * - the constructor is injectable (default: globalThis.WebSocket, else the `ws`
 *   package via isomorphic-ws), so msw can intercept it and browsers work;
 * - frames are parsed once here; a frame that is not a JSON object becomes
 *   `onMalformed`, never an exception;
 * - the HTTP status of a refused upgrade (401) is recovered where the platform
 *   exposes it (the `ws` package does; browsers and undici only report 1006).
 */
import IsoWebSocket from 'isomorphic-ws';

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

/** The constructor the SDK uses when none is injected. Read at connect time so msw's patch is seen. */
export function defaultWebSocket(): WebSocketConstructor {
  const g = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  return g ?? (IsoWebSocket as unknown as WebSocketConstructor);
}

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
}

const OPEN = 1;

/** One WebSocket connection. Create a new one per attempt. */
export class WsTransport {
  private ws: WebSocketLike | null;
  private opened = false;
  private httpStatus: number | undefined;
  private lastError = '';
  private closed = false;

  constructor(url: string, handlers: WsHandlers, options: WsTransportOptions = {}) {
    const Ctor = options.WebSocket ?? defaultWebSocket();
    let ws: WebSocketLike;
    try {
      ws = new Ctor(url, undefined, { maxPayload: options.maxPayload ?? 16 * 1024 * 1024, headers: options.headers });
    } catch (err) {
      // A malformed URL throws synchronously; report it as a close so the caller's loop sees one path.
      this.ws = null;
      queueMicrotask(() => handlers.onClose({ code: 1006, reason: String((err as Error).message ?? err), neverOpened: true }));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.opened = true;
      handlers.onOpen();
    };
    ws.onmessage = (ev) => {
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
      // `ws` reports a refused upgrade as "Unexpected server response: 401",
      // and a frame over maxPayload as "Max payload size exceeded" (then close 1006).
      this.lastError = errorMessage(ev);
      const m = /Unexpected server response: (\d{3})/.exec(this.lastError);
      if (m) this.httpStatus = Number(m[1]);
    };
    ws.onclose = (ev) => {
      if (this.closed) return;
      this.closed = true;
      // A close without a reason of its own says why through the error that caused it.
      const reason = ev.reason || this.lastError;
      handlers.onClose({ code: ev.code, reason, httpStatus: this.httpStatus, neverOpened: !this.opened });
    };
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
    this.closed = true;
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

/** Close codes and HTTP statuses that mean "you are not allowed" (shared/protocols/README.md). */
export const AUTH_CLOSE_CODES: readonly number[] = [4001, 1008];
export const AUTH_HTTP_STATUSES: readonly number[] = [401, 403];

/** True when a close means the credentials were refused: retrying with them is pointless. */
export function isAuthClose(info: CloseInfo): boolean {
  return AUTH_CLOSE_CODES.includes(info.code) || (info.httpStatus !== undefined && AUTH_HTTP_STATUSES.includes(info.httpStatus));
}
