/**
 * The report bookkeeping every simulated agent does, whatever its dialect:
 * connect time, reconnects, disconnects, the connected gauge, error counts,
 * and advancing the host model lazily when metrics are asked for (no second
 * periodic task per agent).
 */
import { ErrorCodes, type FleetwireError, type RetryInfo } from '@fleetwire/sdk';
import type { HostModel } from '../model/host.js';
import { C, H, connectionEventCounter, errorCounter } from '../report/report.js';
import type { SliceAgentOptions } from './slice-agent.js';

/** Errors not in the `errors` total: from closing. (Connection noise never reaches `error`: see retry().) */
const NOT_ERRORS = new Set<string>([ErrorCodes.FW_CLOSED]);
const now = (): number => performance.now();

export class AgentBook {
  /** True between the dialect's handshake and the next disconnect. */
  connected = false;
  /** Set by close(): errors after it are the close's own, not the run's. */
  closed = false;
  private lastTick = now();
  private connectStartedAt = 0;
  private everConnected = false;
  private firstAttemptEnded = false;
  /** The storm (StormBook epoch) the current connection was accepted in; 0 = before any storm. */
  private stormEpoch = 0;

  constructor(
    private readonly opts: SliceAgentOptions,
    private readonly host: HostModel,
  ) {}

  /** connect() was called: the connect latency is measured from here to the first `up()`. */
  connecting(): void {
    this.connectStartedAt = now();
  }

  /** The handshake is done (first time: connect latency; later: a reconnect). */
  up(): void {
    const r = this.opts.report;
    if (this.everConnected) r.count(C.reconnects);
    else {
      r.recordLatency(H.connect, now() - this.connectStartedAt);
      r.count(C.agentsIn);
      this.opts.onFirstConnect?.();
      this.firstAttemptEnd();
    }
    this.everConnected = true;
    if (this.opts.storm && this.opts.storm.epoch > 0 && !this.connected) this.stormEpoch = this.opts.storm.up();
    this.set(true);
  }

  /** The connection went away. A socket that opened but never authenticated was not a connection. */
  down(): void {
    if (!this.connected) return;
    this.opts.storm?.down(this.stormEpoch);
    this.opts.report.count(C.disconnects);
    this.set(false);
  }

  /** The agent is closing: leave the gauge, count nothing. */
  close(): void {
    this.closed = true;
    this.set(false);
  }

  /** Counts an error by code and in the `errors` total (unless it comes from closing). */
  error(err: FleetwireError): void {
    if (this.closed) return;
    // Any error before the first connect ends that attempt (a refused key, a provider that threw).
    if (!this.everConnected) this.firstAttemptEnd();
    const r = this.opts.report;
    // `errors` is the sum of the `errors.<code>` counters; connection events are counted apart.
    if (NOT_ERRORS.has(err.code)) r.count(connectionEventCounter(err.code));
    else {
      r.count(errorCounter(err.code));
      r.count(C.errors);
    }
  }

  /**
   * A retry was scheduled: a failed attempt or a lost connection, which the SDK
   * reports here and never on `error`. Counted as a connection event by the
   * failure's code (FW_CONNECT_FAILED, FW_CONNECTION_LOST…), not in `errors`.
   */
  retry(info: RetryInfo): void {
    if (this.closed) return;
    if (!this.everConnected) this.firstAttemptEnd();
    const r = this.opts.report;
    if (info.error) r.count(connectionEventCounter(info.error.code));
    if (info.code === 'CONNECT_FAILED') r.count(C.connectFailures);
    const storm = this.opts.storm;
    if (storm) {
      storm.attempt(info.delayMs);
      if (info.code === 'CONNECT_FAILED') storm.failed();
    }
  }

  /** Advances the host model to now and returns it. */
  tick(): HostModel {
    const t = now();
    this.host.tick(t - this.lastTick);
    this.lastTick = t;
    return this.host;
  }

  private firstAttemptEnd(): void {
    if (this.firstAttemptEnded) return;
    this.firstAttemptEnded = true;
    this.opts.onFirstAttemptEnd?.();
  }

  private set(c: boolean): void {
    if (c === this.connected) return;
    this.connected = c;
    this.opts.onConnectedChange(c ? 1 : -1);
  }
}
