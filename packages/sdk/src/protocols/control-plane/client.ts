/**
 * ControlPlaneEvents — the client of shared/protocols/control-plane.md: a
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
import { ErrorCodes, FleetwireError, invalidArgument } from '../../core/errors.js';
import { TypedEmitter } from '../../core/emitter.js';
import type { ConnectionState } from '../../core/state.js';
import { WsConnection, checkInbound, wsUrl, type WsClientOptions } from '../vstats/connection.js';
import { CONTROL_PLANE_PATH, controlPlaneValidators, type ControlPlaneMessage } from './schema.js';
import { isPattern, patternsFor, type ControlPlaneClientEvents, type ControlPlanePattern } from './events.js';

export interface ControlPlaneEventsOptions extends WsClientOptions {
  /** Server base URL, e.g. `ws://localhost:3000` (`/ws` is appended unless present). */
  url: string;
  /** Optional token, sent as `?token=`; a function is called on every (re)connect. Default none. */
  token?: string | (() => string | Promise<string>);
  /** Where "log and ignore" logs. Default: nowhere (the `error` event still fires). Pass `console` to see them. */
  logger?: { warn(message: string, ...rest: unknown[]): void };
}

export class ControlPlaneEvents extends TypedEmitter<ControlPlaneClientEvents> {
  private readonly conn: WsConnection;
  private readonly logger: ControlPlaneEventsOptions['logger'];
  private counts = { received: 0, rejected: 0 };

  constructor(options: ControlPlaneEventsOptions) {
    super();
    if (!options || typeof options.url !== 'string' || !/^(https?|wss?):\/\//.test(options.url)) {
      invalidArgument(`ControlPlaneEvents: url must be a ws(s):// or http(s):// URL, got ${JSON.stringify(options?.url)}`);
    }
    const { token } = options;
    if (token !== undefined && typeof token !== 'string' && typeof token !== 'function') {
      invalidArgument('ControlPlaneEvents: token must be a string or a function returning one');
    }
    this.logger = options.logger;
    const url = async () => wsUrl(options.url, CONTROL_PLANE_PATH, { token: typeof token === 'function' ? await token() : token });
    this.conn = new WsConnection(url, options, {
      onOpen: () => this.emit('connected'),
      onMessage: (m) => this.onMessage(m),
      onMalformed: (raw, problem) => this.reject(new FleetwireError(ErrorCodes.FW_PROTOCOL_MALFORMED, `malformed frame ignored: ${problem}`, { raw: raw.slice(0, 200) })),
      onLost: (info) => this.emit('disconnected', { code: info.code, reason: info.reason }),
      onError: (e) => this.emit('error', e),
      onTransition: (t) => this.emit('state', t),
      onRetryScheduled: (delayMs, attempt) => this.emit('reconnecting', { delayMs, attempt }),
    });
  }

  connect(): this {
    this.conn.start();
    return this;
  }

  close(): void {
    this.conn.stop();
  }

  get state(): ConnectionState {
    return this.conn.state;
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

  private onMessage(raw: Record<string, unknown>): void {
    const r = checkInbound<ControlPlaneMessage>(controlPlaneValidators, 'event', raw);
    if (!r.ok) {
      this.reject(new FleetwireError(r.code, `event ignored: ${r.message}`, r.context));
      return;
    }
    this.counts.received++;
    const msg = r.value;
    const [exact, category, all] = patternsFor(msg.event);
    const emit = this.emit as (event: string, ...args: unknown[]) => boolean;
    emit.call(this, exact, msg.data, msg);
    emit.call(this, category, msg);
    emit.call(this, all, msg);
  }

  private reject(err: FleetwireError): void {
    this.counts.rejected++;
    this.logger?.warn(`[fleetwire control-plane] ${err.code}: ${err.message}`);
    this.emit('error', err);
  }
}
