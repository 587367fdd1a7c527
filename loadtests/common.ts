/**
 * k6 glue shared by the dialect scripts: keys file loading (init context),
 * the VU's agent identity, options, reconnect pacing and handleSummary.
 * Everything with logic lives in ./lib (unit-tested); this file only binds it
 * to k6's APIs.
 */
import { sleep } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import type { Options } from 'k6/options';
import { loadKeys, nodeIdFor, reconnectDelayMs, scenario, sessionMs, type RunConfig } from './lib/config.ts';
import type { AgentKey } from './lib/keys.ts';
import { agentIndex } from './lib/shard.ts';
import { summaryOutputs, type SummaryData } from './lib/summary.ts';

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

/** k6 options: the ramp-and-hold scenario, thresholds, a `dialect` tag on every sample. */
export function runOptions(cfg: RunConfig, dialect: string, thresholds: Record<string, string[]>): Options {
  return {
    scenarios: { [dialect]: scenario(cfg) },
    thresholds,
    tags: { dialect },
    // Socket sessions end on their own timers; this only bounds teardown.
    setupTimeout: '30s',
    teardownTimeout: '30s',
  };
}

/** Remaining session length for a socket opened now. */
export function sessionNow(cfg: RunConfig): number {
  return sessionMs(cfg, exec.instance.currentTestRunDuration);
}

/**
 * Per-VU reconnect pacing: call `before()` at the start of each iteration
 * (sleeps the backoff after failures), `ok()` once a session is established,
 * `failed()` when a connection attempt or session fails. `stop()` makes every
 * later iteration idle (a refused key is final: no hammering with a bad key).
 */
export function pacing(cfg: RunConfig) {
  let failures = 0;
  let stopped = false;
  return {
    before(): boolean {
      if (stopped) {
        sleep(Math.max(1, sessionNow(cfg) / 1000));
        return false;
      }
      if (failures > 0) sleep(reconnectDelayMs(failures) / 1000);
      return true;
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

/** Sleeps out the run for a VU that has no identity of its own, logging why once. */
export function idle(cfg: RunConfig, why: string): void {
  if (exec.vu.iterationInScenario === 0) console.warn(`VU ${exec.vu.idInTest} idle: ${why}`);
  sleep(Math.max(1, sessionNow(cfg) / 1000));
}

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
  return summaryOutputs(data as SummaryData, title, `${dialect.replace('-', '_')}_`, cfg.summaryJson);
}
