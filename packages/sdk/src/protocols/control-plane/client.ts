/**
 * ControlPlaneEvents — the client of docs/protocols/control-plane.md: a
 * push-only stream of `{event:"category:action", data}` on `/ws` (optional
 * `?token=`). Subscribe by exact name, by category (`job:*`) or to all (`*`).
 *
 * Every frame is validated: malformed JSON → FW_PROTOCOL_MALFORMED, a schema
 * failure → FW_PROTOCOL_INVALID, an event the document does not list →
 * FW_PROTOCOL_UNKNOWN; each is an `error` event (and an optional log line),
 * never a throw, and the stream goes on. Reconnect is the core Reconnector's;
 * pass `backoff: CONTROL_PLANE_DOCUMENTED_BACKOFF` for the document's own
 * 10-attempt client. Free of Node built-ins: it runs in browsers as is.
 */
import { invalidArgument, type FleetwireError } from '../../core/errors.js';
import { classify, malformed, resolveToken, wsUrl, type TokenSource } from '../../core/inbound.js';
import { WsClient, type WsClientOptions } from '../../core/ws-client.js';
import { CONTROL_PLANE_PATH } from './constants.js';
import { controlPlaneValidators } from './validators.gen.js';
import type { ControlPlaneMessage } from './schema.js';
import type { FleetwireClient } from '../../core/client.js';
import { isPattern, patternsFor, type ControlPlaneClientEvents, type ControlPlanePattern } from './events.js';

/** The stream is push-only (nothing is sent), so the send-queue option does not apply. */
export interface ControlPlaneEventsOptions extends Omit<WsClientOptions, 'sendQueueCapacity'> {
  /** Server base URL, e.g. `ws://localhost:3000` (`/ws` is appended unless present). */
  url: string;
  /** Optional token, sent as `?token=`; a function is called on every (re)connect. Default none. */
  token?: TokenSource;
  /** Where "log and ignore" logs. Default: nowhere (the `error` event still fires). Pass `console` to see them. */
  logger?: { warn(message: string, ...rest: unknown[]): void };
}

export class ControlPlaneEvents extends WsClient<ControlPlaneClientEvents> implements FleetwireClient {
  private readonly opts: ControlPlaneEventsOptions;
  private counts = { received: 0, rejected: 0 };

  constructor(options: ControlPlaneEventsOptions) {
    if (!options || typeof options.url !== 'string' || !/^(https?|wss?):\/\//.test(options.url)) {
      invalidArgument(`ControlPlaneEvents: url must be a ws(s):// or http(s):// URL, got ${JSON.stringify(options?.url)}`);
    }
    const { token } = options;
    if (token !== undefined && typeof token !== 'string' && typeof token !== 'function') {
      invalidArgument('ControlPlaneEvents: token must be a string or a function returning one');
    }
    super('control-plane', options);
    this.opts = options;
  }

  /** Valid events received and frames rejected (malformed, invalid, unknown) since creation. */
  get stats(): { received: number; rejected: number } {
    return { ...this.counts };
  }

  /**
   * Subscribes to a pattern and returns the unsubscribe function; same as
   * `on(pattern, fn)` but checks the pattern's syntax up front.
   */
  subscribe<P extends ControlPlanePattern>(pattern: P, listener: ControlPlaneClientEvents[P]): () => void {
    if (typeof pattern !== 'string' || !isPattern(pattern)) {
      invalidArgument(`ControlPlaneEvents.subscribe: pattern must be "*", "category:*" or "category:action", got ${JSON.stringify(pattern)}`);
    }
    this.on(pattern, listener as never);
    return () => void this.off(pattern, listener as never);
  }

  protected async url(): Promise<string> {
    const { token } = this.opts;
    // The token is optional here: a plain string (even empty) goes as is; a provider must yield a non-empty one.
    return wsUrl(this.opts.url, CONTROL_PLANE_PATH, { token: typeof token === 'function' ? await resolveToken(token) : token });
  }

  protected onOpen(): void {
    // Push-only, no handshake: an open socket is a subscribed one.
    this.markReady(`open ${this.safeUrl}`);
  }

  protected override onMalformed(raw: string, problem: string): void {
    this.reject(malformed(this.dialect, raw, problem));
  }

  protected onFrame(raw: Record<string, unknown>): void {
    const r = classify(raw, 'event', controlPlaneValidators, this.dialect);
    if (!r.ok) {
      this.reject(r.error);
      return;
    }
    this.counts.received++;
    const msg = r.msg as ControlPlaneMessage;
    const [exact, category, all] = patternsFor(msg.event);
    this.emitAny(exact, msg.data, msg);
    this.emitAny(category, msg);
    this.emitAny(all, msg);
  }

  private reject(err: FleetwireError): void {
    this.counts.rejected++;
    this.opts.logger?.warn(`[fleetwire] ${err.code}: ${err.message}; frame ignored`);
    this.emit('error', err);
  }
}
