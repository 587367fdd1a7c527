/**
 * A slice's bookkeeping of reconnect storms (`--scenario storm`): which storm
 * is current, and per storm the re-admissions and connection attempts in time
 * bins (report/storm.ts). One object per slice; each agent keeps only the
 * number of the storm its current connection was accepted in, so the cost per
 * agent is one small integer and nothing at all in runs without storms.
 *
 * Times are wall-clock ms from the storm's `wallMs`, which the main process
 * stamps: worker threads and child processes on the box share that clock, so
 * their bins line up when the reports are merged.
 */
import type { Report } from '../report/report.js';
import { ATTEMPT_BIN_MS, BACK_BIN_MS, MAX_ATTEMPT_BINS, MAX_BACK_BINS, addToBin, type StormJSON, type StormMode } from '../report/storm.js';

/** What the main process tells every slice when a storm starts (crosses worker boundaries: plain data). */
export interface StormStart {
  /** 1-based. */
  index: number;
  mode: StormMode;
  /** Date.now() at the storm. */
  wallMs: number;
  /** ms after the run clock started. */
  atMs: number;
  /** True: the slice drops every agent's connection itself (partition). False: the control plane goes away (restart). */
  drop: boolean;
}

export class StormBook {
  /** The current storm's index; 0 before the first. */
  epoch = 0;
  private current: StormJSON | null = null;
  private wall0 = 0;

  constructor(private readonly report: Report) {}

  /** A storm starts: the previous one's watch ends, a new record goes into the report. */
  begin(s: StormStart, target: number, connectedNow: number): void {
    this.finish();
    this.wall0 = s.wallMs;
    this.current = { index: s.index, mode: s.mode, atMs: Math.round(s.atMs), target, connectedBefore: connectedNow, back: [], attempts: [], failedAttempts: 0, downMs: 0, watchedMs: 0 };
    this.report.storms.push(this.current);
    this.epoch = s.index;
  }

  /** Ends the current storm's watch (the run ends or another storm starts). */
  finish(): void {
    if (this.current) this.current.watchedMs = Math.max(0, Date.now() - this.wall0);
  }

  /** An agent's connection was accepted; returns the epoch the agent must remember. */
  up(): number {
    if (this.current) addToBin(this.current.back, this.binOf(0, BACK_BIN_MS), 1, MAX_BACK_BINS);
    return this.epoch;
  }

  /** An agent's connection, accepted in storm `epoch`, was lost. */
  down(epoch: number): void {
    if (this.current && epoch === this.epoch) addToBin(this.current.back, this.binOf(0, BACK_BIN_MS), -1, MAX_BACK_BINS);
  }

  /**
   * True when every dial is reported through {@link dial} as it happens (fleet
   * agents: their socket's connect() is wrapped); then the due times from
   * {@link attempt} are ignored. A busy event loop dials later than due, so
   * dials are the truer count of what the control plane saw.
   */
  dialsCounted = false;

  /** A reconnect attempt is due in `delayMs` (0: now); ignored when dials are counted. */
  attempt(delayMs: number): void {
    if (this.current && !this.dialsCounted) addToBin(this.current.attempts, this.binOf(delayMs, ATTEMPT_BIN_MS), 1, MAX_ATTEMPT_BINS);
  }

  /** A connection attempt starts now (any, first connects included, while a storm is watched). */
  dial(): void {
    if (this.current) addToBin(this.current.attempts, this.binOf(0, ATTEMPT_BIN_MS), 1, MAX_ATTEMPT_BINS);
  }

  /** A connection attempt failed (refused, reset, timed out). */
  failed(): void {
    if (this.current) this.current.failedAttempts++;
  }

  private binOf(aheadMs: number, width: number): number {
    return Math.floor((Date.now() + aheadMs - this.wall0) / width);
  }
}
