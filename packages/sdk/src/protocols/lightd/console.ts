/**
 * LightdConsole — a container console client for docs/protocols/lightd.md.
 *
 * Opens `/ws/:internal_id?token=…` (the token is a string or a provider asked
 * on every connect), then streams typed stats, console output, state events,
 * daemon messages and logs; sends commands, power actions and log requests.
 * A 401 at the upgrade is a terminal auth error. A close with 4001 (token
 * expired mid-session) asks the provider for a new token and reconnects, or
 * ends with FW_TOKEN_EXPIRED when the token was a plain string.
 */
import { ErrorCodes, FleetwireError, invalidArgument } from '../../core/errors.js';
import { TransitionCodes } from '../../core/state.js';
import type { Failure } from '../../core/reconnector.js';
import type { CloseInfo } from '../../transports/websocket.js';
import { classify, resolveToken, wsUrl, type TokenSource } from '../../core/inbound.js';
import { WsClient, describeClose, type WsClientOptions } from '../../core/ws-client.js';
import { LIGHTD_TOKEN_EXPIRED_CLOSE, PowerActions, lightdPath } from './constants.js';
import { lightdValidators } from './validators.gen.js';
import type { ContainerState, PowerAction } from './schema.js';
import type { FleetwireClient } from '../../core/client.js';
import type { LightdConsoleEvents } from './events.js';

const V = lightdValidators.toClient;

export interface LightdConsoleOptions extends WsClientOptions {
  /** Lightd base URL, e.g. `http://localhost:8070`. */
  url: string;
  /** The container's internal id (the `:internal_id` of the path). */
  internalId: string;
  /** Token, or a provider called on every (re)connect — needed to survive expiry and single-use tokens. */
  token: TokenSource;
  /** Emit `console duplicate` events. Default false (they repeat `console`). */
  includeDuplicates?: boolean;
  /** How long requestLogs() waits for `logs`, in ms. Default 10000. */
  requestLogsTimeoutMs?: number;
}

interface LogWaiter {
  resolve(data: string): void;
  reject(err: FleetwireError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class LightdConsole extends WsClient<LightdConsoleEvents> implements FleetwireClient {
  private readonly opts: LightdConsoleOptions;
  private current: ContainerState | null = null;
  private readonly logWaiters = new Set<LogWaiter>();

  constructor(options: LightdConsoleOptions) {
    checkOptions(options);
    super('lightd', options);
    this.opts = options;
  }

  /** The last container state the server reported; null before the first `event`. */
  get containerState(): ContainerState | null {
    return this.current;
  }

  get internalId(): string {
    return this.opts.internalId;
  }

  /** Sends a console command; the `\n` lightd needs is appended unless present. Queued while disconnected. */
  sendCommand(command: string): void {
    if (typeof command !== 'string') invalidArgument(`LightdConsole.sendCommand: command must be a string, got ${typeof command}`);
    this.send({ event: 'send_command', command: command.endsWith('\n') ? command : `${command}\n` });
  }

  /** Sends a power action: start, stop, kill or restart. Queued while disconnected. */
  power(action: PowerAction): void {
    if (!(PowerActions as readonly string[]).includes(action)) {
      invalidArgument(`LightdConsole.power: action must be one of ${PowerActions.join(', ')}, got ${JSON.stringify(action)}`, { action });
    }
    this.send({ event: 'power', action });
  }

  /**
   * Asks for the historical logs and resolves with the next `logs` event's data.
   * Rejects with FW_TIMEOUT after `requestLogsTimeoutMs`, FW_CLOSED on close().
   */
  requestLogs(timeoutMs = this.opts.requestLogsTimeoutMs ?? 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const w: LogWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.logWaiters.delete(w);
          reject(new FleetwireError(ErrorCodes.FW_TIMEOUT, `lightd: no logs within ${timeoutMs} ms of request_logs`, { timeoutMs }));
        }, timeoutMs),
      };
      this.logWaiters.add(w);
      this.send({ event: 'request_logs' });
    });
  }

  override close(): void {
    super.close();
    const err = new FleetwireError(ErrorCodes.FW_CLOSED, 'lightd: console closed before the logs arrived');
    for (const w of this.logWaiters) (clearTimeout(w.timer), w.reject(err));
    this.logWaiters.clear();
  }

  protected async url(): Promise<string> {
    const token = await resolveToken(this.opts.token);
    return wsUrl(this.opts.url, lightdPath(this.opts.internalId), { token });
  }

  protected onOpen(): void {
    // The token was checked at the upgrade: an open socket is an authenticated one.
    this.markReady(`console of ${this.opts.internalId} open`);
  }

  protected onFrame(raw: Record<string, unknown>): void {
    const r = classify(raw, 'event', V, 'lightd');
    if (!r.ok) {
      this.emit('error', r.error);
      return;
    }
    switch (r.kind) {
      case 'stats': {
        const { event: _e, ...stats } = r.msg;
        this.emit('stats', stats);
        return;
      }
      case 'console':
        this.emit('console', r.msg.data);
        return;
      case 'console duplicate':
        if (this.opts.includeDuplicates) this.emit('console duplicate', r.msg.data);
        return;
      case 'event': {
        const from = this.current;
        this.current = r.msg.data;
        this.emit('container_state', { from, to: r.msg.data });
        return;
      }
      case 'daemon_message':
        this.emit('daemon_message', r.msg.data);
        return;
      case 'logs':
        this.emit('logs', r.msg.data);
        for (const w of this.logWaiters) (clearTimeout(w.timer), w.resolve(r.msg.data));
        this.logWaiters.clear();
        return;
    }
  }

  protected override classifyClose(info: CloseInfo, wasReady: boolean): Failure {
    if (info.code !== LIGHTD_TOKEN_EXPIRED_CLOSE) return super.classifyClose(info, wasReady);
    const closeCode = info.code;
    if (typeof this.opts.token === 'function') {
      // Routine: the provider renews it on the next attempt. Carried by `disconnected` / `reconnecting`, not `error`.
      const error = this.fault(ErrorCodes.FW_TOKEN_EXPIRED, `lightd: token expired (${describeClose(info)}); reconnecting with a new token from the provider`, this.closeContext(info));
      return { code: TransitionCodes.TOKEN_EXPIRED, reason: describeClose(info), closeCode, error };
    }
    const error = this.fail(ErrorCodes.FW_TOKEN_EXPIRED, 'lightd: token expired during the session and no token provider was given to renew it (pass `token: () => newToken()`)', this.closeContext(info));
    return { code: TransitionCodes.TOKEN_EXPIRED, reason: describeClose(info), terminal: true, closeCode, error };
  }
}

function checkOptions(o: LightdConsoleOptions): void {
  if (!o || typeof o !== 'object') invalidArgument('LightdConsole needs an options object: new LightdConsole({ url, internalId, token })');
  if (typeof o.url !== 'string' || !/^(https?|wss?):\/\//.test(o.url)) invalidArgument(`LightdConsole: url must be an http(s):// or ws(s):// URL, got ${JSON.stringify(o.url)}`);
  if (typeof o.internalId !== 'string' || o.internalId.length === 0) invalidArgument('LightdConsole: internalId must be a non-empty string');
  if (!(typeof o.token === 'function' || (typeof o.token === 'string' && o.token.length > 0))) {
    invalidArgument('LightdConsole: token must be a non-empty string or a function returning one');
  }
  if (o.requestLogsTimeoutMs !== undefined && !(o.requestLogsTimeoutMs > 0)) invalidArgument(`LightdConsole: requestLogsTimeoutMs must be > 0, got ${String(o.requestLogsTimeoutMs)}`);
}
