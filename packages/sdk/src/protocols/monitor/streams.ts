/**
 * The frontend side of docs/protocols/monitor.md: a dashboard's live metrics
 * (`/api/v1/ws/metrics/{server_id}`) or logs (`/api/v1/ws/logs/{server_id}`).
 * On every (re)connect the stream sends `{type:"auth", token}` — the token is a
 * string or a provider called each time, so an expired JWT gets refreshed —
 * and then emits typed `metrics`, `log`, `alert` and server errors.
 *
 * `connected` means the token was accepted. The document has no reply to a
 * good frontend auth — a refused token gets `{type:"error"}` and a close — so a
 * stream counts as accepted at the first data message (metrics, log, alert) or
 * when `authAcceptMs` passed after the auth with no refusal, whichever comes
 * first. A refused token never shows up as `connected`. With a token provider a
 * refusal after acceptance (an expired JWT) reconnects with a fresh token; two
 * refusals in a row with no acceptance between are terminal.
 */
import { ErrorCodes, invalidArgument } from '../../core/errors.js';
import { TransitionCodes } from '../../core/state.js';
import type { Failure } from '../../core/reconnector.js';
import type { CloseInfo } from '../../transports/websocket.js';
import type { TimerHandle } from '../../core/timers.js';
import { classify, resolveToken, wsUrl, type TokenSource } from '../../core/inbound.js';
import { WsClient, describeClose, type WsClientOptions } from '../../core/ws-client.js';
import { MONITOR_PATHS } from './constants.js';
import { monitorValidators } from './validators.gen.js';
import type { FleetwireClient } from '../../core/client.js';
import type { MonitorStreamEvents } from './events.js';

const V = monitorValidators.toFrontend;

export interface MonitorStreamOptions extends WsClientOptions {
  /** Server base URL (`http(s)://` or `ws(s)://`). */
  url: string;
  /** The server whose metrics/logs to follow. */
  serverId: string;
  /** JWT access token, or a provider called on every (re)connect (sync or async). */
  token: TokenSource;
  /**
   * The document sends nothing for an accepted token: with no refusal within
   * this many ms after `auth` (or at the first data message) the stream counts
   * as connected. Default 1000.
   */
  authAcceptMs?: number;
}

abstract class MonitorStream extends WsClient<MonitorStreamEvents> {
  private currentToken = '';
  /** Auth refusals since data last arrived: 2 in a row means the provider cannot help. */
  private refusals = 0;
  private lastServerError: string | null = null;
  private acceptTimer: TimerHandle | null = null;

  constructor(
    private readonly kind: 'metrics' | 'logs',
    protected readonly opts: MonitorStreamOptions,
  ) {
    checkOptions(kind, opts);
    super('monitor', opts);
  }

  get serverId(): string {
    return this.opts.serverId;
  }

  protected async url(): Promise<string> {
    this.currentToken = await resolveToken(this.opts.token);
    return wsUrl(this.opts.url, MONITOR_PATHS[this.kind](this.opts.serverId));
  }

  protected onOpen(): void {
    this.lastServerError = null;
    this.transport?.send({ type: 'auth', token: this.currentToken });
    const ms = this.opts.authAcceptMs ?? 1000;
    this.acceptTimer = setTimeout(() => {
      this.acceptTimer = null;
      this.accept(`no refusal within ${ms} ms of auth`);
    }, ms);
  }

  protected override onDown(): void {
    if (this.acceptTimer) clearTimeout(this.acceptTimer);
    this.acceptTimer = null;
  }

  private accept(why: string): void {
    if (this.ready) return;
    if (this.acceptTimer) clearTimeout(this.acceptTimer);
    this.acceptTimer = null;
    this.refusals = 0;
    this.markReady(`token accepted for ${this.kind} of ${this.opts.serverId} (${why})`);
  }

  protected onFrame(raw: Record<string, unknown>): void {
    const r = classify(raw, 'type', V, 'monitor');
    if (!r.ok) {
      this.emit('error', r.error);
      return;
    }
    if (r.kind === 'error') {
      this.lastServerError = r.msg.message;
      this.emit('server_error', r.msg.message);
      // Before acceptance an error is the refusal of the token: the close that follows reports it as FW_AUTH_REJECTED.
      if (this.ready) this.fail(ErrorCodes.FW_REMOTE_ERROR, `monitor: server error: ${r.msg.message}`, { message: r.msg.message });
      return;
    }
    this.accept(`first ${r.kind} arrived`);
    if (r.kind === 'metrics') this.emit('metrics', r.msg.data);
    else if (r.kind === 'log') this.emit('log', r.msg.data);
    else this.emit('alert', r.msg.data);
  }

  protected override classifyClose(info: CloseInfo, wasReady: boolean): Failure {
    const refused = info.code === 1008 || info.code === 4001 || info.httpStatus === 401 || info.httpStatus === 403;
    if (!refused) return super.classifyClose(info, wasReady);
    const why = this.lastServerError ?? describeClose(info);
    this.refusals++;
    const closeCode = info.neverOpened ? undefined : info.code;
    if (typeof this.opts.token === 'function' && this.refusals < 2) {
      // Most likely an expired JWT: the provider is asked again on the next attempt — routine, so not on `error`.
      const error = this.fault(ErrorCodes.FW_TOKEN_EXPIRED, `monitor: token refused (${why}); reconnecting with a fresh token from the provider`, this.closeContext(info));
      return { code: TransitionCodes.TOKEN_EXPIRED, reason: why, closeCode, error };
    }
    const error = this.fail(ErrorCodes.FW_AUTH_REJECTED, `monitor: the server refused the token: ${why}`, this.closeContext(info));
    return { code: TransitionCodes.AUTH_REJECTED, reason: why, auth: true, closeCode, error };
  }
}

/** Live metrics of one server (`/api/v1/ws/metrics/{server_id}`). */
export class MonitorMetricsStream extends MonitorStream implements FleetwireClient {
  constructor(options: MonitorStreamOptions) {
    super('metrics', options);
  }
}

/** Live log entries of one server (`/api/v1/ws/logs/{server_id}`). */
export class MonitorLogStream extends MonitorStream implements FleetwireClient {
  constructor(options: MonitorStreamOptions) {
    super('logs', options);
  }
}

function checkOptions(kind: string, o: MonitorStreamOptions): void {
  const name = kind === 'metrics' ? 'MonitorMetricsStream' : 'MonitorLogStream';
  if (!o || typeof o !== 'object') invalidArgument(`${name} needs an options object: new ${name}({ url, serverId, token })`);
  if (typeof o.url !== 'string' || !/^(https?|wss?):\/\//.test(o.url)) invalidArgument(`${name}: url must be an http(s):// or ws(s):// URL, got ${JSON.stringify(o.url)}`);
  if (typeof o.serverId !== 'string' || o.serverId.length === 0) invalidArgument(`${name}: serverId must be a non-empty string`);
  if (!(typeof o.token === 'function' || (typeof o.token === 'string' && o.token.length > 0))) {
    invalidArgument(`${name}: token must be a non-empty string or a function returning one`);
  }
  if (o.authAcceptMs !== undefined && !(o.authAcceptMs >= 0)) invalidArgument(`${name}: authAcceptMs must be >= 0, got ${String(o.authAcceptMs)}`);
}
