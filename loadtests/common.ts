/**
 * k6 glue shared by the dialect scripts: keys file loading (init context),
 * the VU's agent identity, options, reconnect pacing and handleSummary.
 * Everything with logic lives in ./lib (unit-tested); this file only binds it
 * to k6's APIs.
 */
import { sleep } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { SESSION_END_MARGIN_MS, loadKeys, nodeIdFor, reconnectDelayMs, scenario, sessionMs, thresholds, timeLeftMs, type RunConfig } from './lib/config.ts';
import type { AgentKey } from './lib/keys.ts';
import { agentIndex } from './lib/shard.ts';
import { SUMMARY_TREND_STATS, summaryOutputs, type SummaryData } from './lib/summary.ts';

/**
 * Reads KEYS_FILE once per instance into a SharedArray (one copy for all VUs).
 * Must be called from the init context (k6's `open()` is only available there).
 * The path is resolved relative to the script, as `open()` does.
 */
export function openKeys(cfg: RunConfig): readonly AgentKey[] {
  const path = cfg.keysFile;
  if (!path) return [];
  return new SharedArray<AgentKey>('keys', () => loadKeys(open(path), cfg.agents, path));
}

/** The agent this VU plays: its 0-based index, node id and key. */
export interface Identity {
  index: number;
  nodeId: string;
  key: string;
}

/**
 * Resolves this VU's identity: disjoint across every instance of a distributed
 * run (see lib/shard.ts). Without a keys file every agent uses `devKey` (the
 * mock backend's dev key accepts many nodes) with its own node id.
 */
export function identity(cfg: RunConfig, keys: readonly AgentKey[], devKey: string): Identity | { error: string } {
  const slot = agentIndex({ idInTest: exec.vu.idInTest, idInInstance: exec.vu.idInInstance, shard: cfg.shard, agents: cfg.agents });
  if (!slot.ok) return { error: slot.error };
  const row = keys[slot.index];
  return { index: slot.index, nodeId: row?.nodeId ?? nodeIdFor(slot.index), key: row?.key ?? devKey };
}

/** The metric-name prefix of a dialect: `control-plane` → `control_plane_`. */
export function metricPrefix(dialect: string): string {
  return `${dialect.replace(/-/g, '_')}_`;
}

/**
 * The thresholds every script has besides its own, so that a run which
 * measured nothing cannot pass: k6 passes Rate and Trend thresholds on a
 * metric without samples, but evaluates an empty Counter as 0 at the end, so
 * `<dialect>_sessions count>0` fails when no session ever connected, and
 * `<dialect>_iteration_errors count<1` fails when an iteration threw.
 */
export function runThresholds(dialect: string): Record<string, string[]> {
  const p = metricPrefix(dialect);
  return { [`${p}sessions`]: ['count>0'], [`${p}iteration_errors`]: ['count<1'] };
}

/**
 * k6 options: the ramp-and-hold scenario; the run thresholds plus the
 * script's `defaults`, with THRESHOLDS applied; p(99) and count in the
 * summary; a `dialect` tag on every sample. Computed from `__ENV` at init,
 * so a plain script (not a k6 archive, whose options are frozen when it is
 * built) runs with the AGENTS/RAMP/DURATION/THRESHOLDS of where it runs.
 */
export function runOptions(cfg: RunConfig, dialect: string, defaults: Record<string, string[]>): Options {
  return {
    scenarios: { [dialect]: scenario(cfg) },
    thresholds: thresholds({ ...runThresholds(dialect), ...defaults }, __ENV),
    summaryTrendStats: SUMMARY_TREND_STATS,
    tags: { dialect },
    // Socket sessions end on their own timers; this only bounds teardown.
    setupTimeout: '30s',
    teardownTimeout: '30s',
  };
}

/**
 * ms since this scenario started on this instance. Not
 * exec.instance.currentTestRunDuration: that clock also runs during setup()
 * (lightd mints its token there), so sessions planned from it end early and
 * leave time for a stub session at the end.
 */
function scenarioElapsedMs(): number {
  return Date.now() - exec.scenario.startTime;
}

/** Length of a session opened now: until just before the scenario ends, or 0 when too little time is left (see lib/config.ts sessionMs). */
export function sessionNow(cfg: RunConfig): number {
  return sessionMs(cfg, scenarioElapsedMs());
}

/** Sleeps until just after the scenario's end, so k6 starts no further iteration for this VU. */
function idleToEnd(cfg: RunConfig): void {
  sleep((timeLeftMs(cfg, scenarioElapsedMs()) + SESSION_END_MARGIN_MS) / 1000);
}

/**
 * Per-VU reconnect pacing: call `before()` at the start of each iteration
 * (sleeps the backoff after failures; returns the session length to use, or
 * 0 after idling out the run when there is no time left for a session),
 * `ok()` once a session is established, `failed()` when a connection attempt
 * or session fails. `stop()` makes every later iteration idle (a refused key
 * is final: no hammering with a bad key).
 */
export function pacing(cfg: RunConfig) {
  let failures = 0;
  let stopped = false;
  return {
    before(): number {
      if (!stopped && failures > 0) sleep(Math.min(reconnectDelayMs(failures), timeLeftMs(cfg, scenarioElapsedMs())) / 1000);
      const ms = stopped ? 0 : sessionNow(cfg);
      if (ms === 0) idleToEnd(cfg);
      return ms;
    },
    ok(): void {
      failures = 0;
    },
    failed(): void {
      failures++;
    },
    stop(): void {
      stopped = true;
    },
  };
}
export type Pacing = ReturnType<typeof pacing>;

/** Sleeps out the run for a VU that has no identity of its own, logging why once. */
export function idle(cfg: RunConfig, why: string): void {
  if (exec.vu.iterationInScenario === 0) console.warn(`VU ${exec.vu.idInTest} idle: ${why}`);
  idleToEnd(cfg);
}

/**
 * What every script's VU shares: its pacing, the `<dialect>_sessions`
 * counter (sessions that connected) and `<dialect>_iteration_errors` (code
 * that threw). Create it once, in the init context (k6 metrics must be).
 */
export function vuRuntime(cfg: RunConfig, dialect: string) {
  const p = metricPrefix(dialect);
  const pace = pacing(cfg);
  const sessions = new Counter(`${p}sessions`);
  const iterationErrors = new Counter(`${p}iteration_errors`);
  const report = (e: unknown, where: string): void => {
    iterationErrors.add(1, { where });
    console.error(`${dialect} VU ${exec.vu.idInTest}: ${where} threw: ${(e as Error)?.stack ?? String(e)}`);
    pace.failed();
  };
  return {
    cfg,
    pace,
    sessions,
    /**
     * Wraps the default function: an exception is counted (and fails the
     * run's threshold) and backed off like a failed connection, instead of
     * k6 starting the next iteration at once, thousands of times a second.
     */
    iteration<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
      return (...args: A) => {
        try {
          fn(...args);
        } catch (e) {
          report(e, 'iteration');
        }
      };
    },
    /** Wraps an event handler the same way; `after` runs once it threw (e.g. to end the session). */
    guard<A extends unknown[]>(where: string, fn: (...args: A) => void, after?: () => void): (...args: A) => void {
      return (...args: A) => {
        try {
          fn(...args);
        } catch (e) {
          report(e, where);
          after?.();
        }
      };
    },
  };
}
export type VuRuntime = ReturnType<typeof vuRuntime>;

/** The handleSummary implementation: text to stdout and the full data as JSON. */
export function summarize(data: unknown, dialect: string, cfg: RunConfig): Record<string, string> {
  const shard = cfg.shard ? ` shard ${cfg.shard.index}/${cfg.shard.count}` : '';
  let seg = '';
  try {
    seg = exec.test.options.executionSegment ? ` segment ${exec.test.options.executionSegment}` : '';
  } catch {
    // exec.test may be unavailable where handleSummary runs; the title just omits the segment.
  }
  const title = `fleetwire k6 · ${dialect} · ${cfg.agents} agents → ${cfg.baseUrl}${shard}${seg}`;
  return summaryOutputs(data as SummaryData, title, metricPrefix(dialect), cfg.summaryJson);
}
