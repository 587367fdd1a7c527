/**
 * Environment → run configuration, shared by every script. Pure: the scripts
 * pass `__ENV`; tests pass plain objects. Bad values throw an Error that says
 * which variable and what was expected (k6 aborts the run with that message).
 */
import { parseKeysFile, type AgentKey } from './keys.ts';
import { sliceRange } from './shard.ts';

export type Env = Record<string, string | undefined>;

/** Parses a k6-style duration (`500ms`, `30s`, `5m`, `1h30m`, `1m30s`, or bare seconds) to ms. */
export function parseDurationMs(value: string, name = 'duration'): number {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v)) !== null) {
    if (m.index !== consumed) break;
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    consumed = m.index + m[0].length;
  }
  if (consumed !== v.length || v.length === 0) throw new Error(`${name} must be a duration like 30s, 5m or 1m30s, got "${value}"`);
  return total;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function duration(env: Env, name: string, fallback: string): { text: string; ms: number } {
  const raw = env[name];
  const text = raw === undefined || raw === '' ? fallback : raw;
  return { text, ms: parseDurationMs(text, name) };
}

/** Everything a script needs from its environment. */
export interface RunConfig {
  /** Where the control plane listens (BASE_URL). */
  baseUrl: string;
  /** Agents (VUs) in the whole test, across every instance (AGENTS, default 10). */
  agents: number;
  /** How long the full load is held after the ramp (DURATION, default 1m). */
  duration: { text: string; ms: number };
  /** How long agents take to join, spread evenly (RAMP, default 10s). */
  ramp: { text: string; ms: number };
  /** Heartbeat / metrics period in ms (HEARTBEAT_INTERVAL, default 5s as the documents say). */
  heartbeatMs: number;
  /** How long an ack or an expected answer may take before it counts as lost (ACK_TIMEOUT, default 10s). */
  ackTimeoutMs: number;
  /** Explicit shard for runs k6 does not segment itself (SHARD_INDEX + SHARD_COUNT). */
  shard?: { index: number; count: number };
  /** Path of the keys file (KEYS_FILE), opened by the script with `open()`. */
  keysFile?: string;
  /** Where handleSummary writes JSON (SUMMARY_JSON, default `summary-<dialect>.json`; `-` disables). */
  summaryJson: string;
}

/** Reads the common variables. `defaultBaseUrl` is the dialect's mock-backend address. */
export function readConfig(env: Env, dialect: string, defaultBaseUrl: string): RunConfig {
  const baseUrl = (env.BASE_URL ?? '').trim() || defaultBaseUrl;
  if (!/^(https?|wss?):\/\/[^/]+/i.test(baseUrl)) throw new Error(`BASE_URL must be an http(s):// or ws(s):// URL, got "${baseUrl}"`);
  const cfg: RunConfig = {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    agents: positiveInt(env, 'AGENTS', 10),
    duration: duration(env, 'DURATION', '1m'),
    ramp: duration(env, 'RAMP', '10s'),
    heartbeatMs: duration(env, 'HEARTBEAT_INTERVAL', '5s').ms,
    ackTimeoutMs: duration(env, 'ACK_TIMEOUT', '10s').ms,
    summaryJson: env.SUMMARY_JSON || `summary-${dialect}.json`,
  };
  if (cfg.heartbeatMs < 100) throw new Error(`HEARTBEAT_INTERVAL must be at least 100ms, got ${cfg.heartbeatMs}ms`);
  const si = env.SHARD_INDEX;
  const sc = env.SHARD_COUNT;
  if ((si ?? '') !== '' || (sc ?? '') !== '') {
    const count = Number(sc);
    const index = Number(si);
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(`SHARD_INDEX and SHARD_COUNT must be set together with 0 <= SHARD_INDEX < SHARD_COUNT, got "${si}" and "${sc}"`);
    }
    cfg.shard = { index, count };
  }
  if (env.KEYS_FILE) cfg.keysFile = env.KEYS_FILE;
  return cfg;
}

/** Parses the keys file text and checks it has a key for every agent. */
export function loadKeys(text: string, agents: number, path: string): AgentKey[] {
  let keys: AgentKey[];
  try {
    keys = parseKeysFile(text);
  } catch (e) {
    throw new Error(`KEYS_FILE ${path}: ${(e as Error).message}`);
  }
  if (keys.length < agents) throw new Error(`KEYS_FILE ${path} holds ${keys.length} keys but AGENTS=${agents}; every agent needs its own key`);
  return keys;
}

/**
 * Thresholds: the script's defaults, with THRESHOLDS (a JSON object
 * `{"metric":["p(95)<300"]}`) replacing or adding per metric; `[]` removes one.
 */
export function thresholds(defaults: Record<string, string[]>, env: Env): Record<string, string[]> {
  const out: Record<string, string[]> = { ...defaults };
  const raw = env.THRESHOLDS;
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`THRESHOLDS must be a JSON object like {"fleet_heartbeat_ack_ms":["p(95)<300"]}, got ${raw}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('THRESHOLDS must be a JSON object of metric → array of expressions');
  for (const [metric, exprs] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(exprs) || !exprs.every((x) => typeof x === 'string')) throw new Error(`THRESHOLDS.${metric} must be an array of strings`);
    if (exprs.length === 0) delete out[metric];
    else out[metric] = exprs as string[];
  }
  return out;
}

/**
 * The one scenario every script runs: VUs ramp to AGENTS (or this shard's
 * slice of it) over RAMP, hold for
 * DURATION; each VU is one long-lived agent whose session ends just before the
 * scenario does (see {@link sessionMs}), so sockets close cleanly.
 */
export function scenario(cfg: RunConfig, exec = 'default') {
  // With an explicit shard this runner only starts its own slice's VUs.
  const r = cfg.shard ? sliceRange(cfg.agents, cfg.shard.index, cfg.shard.count) : { start: 0, end: cfg.agents };
  const vus = Math.max(1, r.end - r.start);
  return {
    executor: 'ramping-vus' as const,
    exec,
    startVUs: 0,
    stages: [
      { duration: cfg.ramp.text, target: vus },
      { duration: cfg.duration.text, target: vus },
    ],
    gracefulRampDown: '5s',
    gracefulStop: '10s',
  };
}

/** Time between a session's planned end and the end of the scenario, so sockets close before k6 stops the VU. */
export const SESSION_END_MARGIN_MS = 500;

/**
 * The shortest session worth opening: one heartbeat interval, at least 1 s.
 * A VU with less time left idles instead of opening a stub session at the end
 * of the run (which would only measure a connect and a close).
 */
export function minSessionMs(cfg: RunConfig): number {
  return Math.max(1000, cfg.heartbeatMs);
}

/** Scenario time left at `elapsedMs` into the scenario (never negative). */
export function timeLeftMs(cfg: RunConfig, elapsedMs: number): number {
  return Math.max(0, cfg.ramp.ms + cfg.duration.ms - elapsedMs);
}

/**
 * How long a session opened at `elapsedMs` into the scenario should stay
 * open: until {@link SESSION_END_MARGIN_MS} before the scenario ends, or 0
 * when that is shorter than {@link minSessionMs} (the VU should idle).
 */
export function sessionMs(cfg: RunConfig, elapsedMs: number): number {
  const ms = timeLeftMs(cfg, elapsedMs) - SESSION_END_MARGIN_MS;
  return ms >= minSessionMs(cfg) ? ms : 0;
}

/** A deterministic UUID-shaped node id for agent `index` when the keys file names none. */
export function nodeIdFor(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential backoff with
 * full jitter, 1 s initial, factor 2, 30 s cap — the reconnect policy of
 * docs/protocols/README.md, so a load test reconnects like real agents do.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const ceiling = Math.min(30_000, 1000 * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A ws(s):// URL from a base URL in any scheme (http→ws, https→wss) plus a
 * path and query parameters (values URL-encoded; empty values omitted).
 */
export function wsUrl(baseUrl: string, path: string, query: Record<string, string | undefined> = {}): string {
  const m = /^(https?|wss?):\/\/([^/?#]+)(\/[^?#]*)?/i.exec(baseUrl.trim());
  if (!m) throw new Error(`BASE_URL must look like ws://host:port or http://host:port, got "${baseUrl}"`);
  const scheme = (m[1] as string).toLowerCase();
  const ws = scheme === 'https' || scheme === 'wss' ? 'wss' : 'ws';
  const prefix = (m[3] ?? '').replace(/\/+$/, '');
  const q = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v as string)}`)
    .join('&');
  return `${ws}://${m[2]}${prefix}${path.startsWith('/') ? path : `/${path}`}${q ? `?${q}` : ''}`;
}
