/**
 * The "storm" section of a report: what happened to the fleet after one
 * reconnect storm (every agent's connection dropped at once, or the control
 * plane restarted) — how fast the agents were re-admitted and how hard they
 * knocked while getting back.
 *
 * Kept in a mergeable form, like the rest of the report: per-bin counts that
 * add across shards and workers, from which the figures (time to 99 % and
 * 100 % back, peak attempts per second) are derived after any merge. A shard's
 * own "time to 99 %" could not be merged; its bins can.
 */

/** How a storm was caused. */
export type StormMode = 'partition' | 'restart';

/** Re-admission bins are this wide (ms): times to 99 %/100 % are exact to this. */
export const BACK_BIN_MS = 100;
/** Attempt bins are one second wide: attempts per second. */
export const ATTEMPT_BIN_MS = 1000;
/** Bins past this are folded into the last one (a storm watched for an hour stays ~40 KB of JSON). */
export const MAX_BACK_BINS = 36_000;
export const MAX_ATTEMPT_BINS = 3600;

/** One storm as stored in the JSON report (schema: report.schema.json, `storms[]`). */
export interface StormJSON {
  /** 1-based storm number in the run. */
  index: number;
  mode: StormMode;
  /** When the storm hit, ms after the run clock started (the earliest shard's figure after a merge). */
  atMs: number;
  /** Agents this report covers (every one must be re-admitted). */
  target: number;
  /** Agents connected the instant before the storm. */
  connectedBefore: number;
  /**
   * Net re-admissions per BACK_BIN_MS bin after the storm: +1 when an agent's
   * connection is accepted again, −1 when that new connection is lost again.
   * The running sum is "agents back now". Trailing zero bins are left out.
   */
  back: number[];
  /** Connection attempts per second after the storm (reconnect attempts, by when they were due). */
  attempts: number[];
  /** Attempts that failed (refused, reset, timed out) during the storm's window. */
  failedAttempts: number;
  /** How long the control plane was away (restart: kill → listening again); 0 for a partition. */
  downMs: number;
  /** ms the storm was watched for (until the next storm or the end of the run). */
  watchedMs: number;
}

/** The figures people read, derived from a StormJSON (also after a merge). */
export interface StormFigures {
  index: number;
  mode: StormMode;
  atMs: number;
  target: number;
  connectedBefore: number;
  /** Agents back (re-admitted and still connected) when the watch ended. */
  backAtEnd: number;
  /** ms from the storm until 99 % / 100 % of `target` were back at once; null when never within the watch. */
  to99Ms: number | null;
  to100Ms: number | null;
  attempts: number;
  peakAttemptsPerSec: number;
  failedAttempts: number;
  downMs: number;
  watchedMs: number;
}

/** Adds `n` to bin `i` of `bins`, growing it with zeros (and folding past `max` into the last bin). */
export function addToBin(bins: number[], i: number, n: number, max: number): void {
  const at = Math.max(0, Math.min(max - 1, i));
  while (bins.length <= at) bins.push(0);
  bins[at] = (bins[at] as number) + n;
}

/** The first time (ms, at the end of a bin) the running sum reached `need`, or null. */
function reachedAt(bins: readonly number[], need: number): number | null {
  if (need <= 0) return 0;
  let sum = 0;
  for (let i = 0; i < bins.length; i++) {
    sum += bins[i] as number;
    if (sum >= need) return (i + 1) * BACK_BIN_MS;
  }
  return null;
}

/** The figures of one storm. 99 % means ceil(0.99 × target) agents. */
export function stormFigures(s: StormJSON): StormFigures {
  const backAtEnd = s.back.reduce((a, b) => a + b, 0);
  return {
    index: s.index,
    mode: s.mode,
    atMs: s.atMs,
    target: s.target,
    connectedBefore: s.connectedBefore,
    backAtEnd,
    to99Ms: reachedAt(s.back, Math.ceil(s.target * 0.99)),
    to100Ms: reachedAt(s.back, s.target),
    attempts: s.attempts.reduce((a, b) => a + b, 0),
    peakAttemptsPerSec: s.attempts.reduce((a, b) => Math.max(a, b), 0),
    failedAttempts: s.failedAttempts,
    downMs: s.downMs,
    watchedMs: s.watchedMs,
  };
}

const addBins = (a: readonly number[], b: readonly number[]): number[] => {
  const out = a.slice();
  b.forEach((v, i) => (out[i] = (out[i] ?? 0) + v));
  return out;
};

/**
 * Merges the storm lists of disjoint shards (or workers) of one run: storm i
 * with storm i. Bins and counts add; the storm's time is the earliest, the
 * watch the shortest (what every shard saw), the down time the longest.
 */
export function mergeStorms(lists: readonly (readonly StormJSON[])[]): StormJSON[] {
  const out: StormJSON[] = [];
  for (const list of lists) {
    for (const s of list) {
      const m = out.find((x) => x.index === s.index);
      if (!m) {
        out.push({ ...s, back: s.back.slice(), attempts: s.attempts.slice() });
        continue;
      }
      if (m.mode !== s.mode) throw new Error(`cannot merge storm ${s.index}: it was a ${m.mode} in one report and a ${s.mode} in another`);
      m.atMs = Math.min(m.atMs, s.atMs);
      m.target += s.target;
      m.connectedBefore += s.connectedBefore;
      m.back = addBins(m.back, s.back);
      m.attempts = addBins(m.attempts, s.attempts);
      m.failedAttempts += s.failedAttempts;
      m.downMs = Math.max(m.downMs, s.downMs);
      m.watchedMs = Math.min(m.watchedMs, s.watchedMs);
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

const isCount = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isBins = (x: unknown): boolean => Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Why `data` is not a valid storm list (for Report.fromJSON), or null. */
export function stormsProblem(data: unknown): string | null {
  if (!Array.isArray(data)) return 'is not an array';
  for (const [i, s] of data.entries()) {
    const o = s as Partial<StormJSON> | null;
    if (!o || typeof o !== 'object') return `[${i}] is not an object`;
    if (!Number.isInteger(o.index) || (o.index as number) < 1) return `[${i}].index must be a whole number >= 1`;
    if (o.mode !== 'partition' && o.mode !== 'restart') return `[${i}].mode must be "partition" or "restart"`;
    for (const k of ['atMs', 'target', 'connectedBefore', 'failedAttempts', 'downMs', 'watchedMs'] as const) if (!isCount(o[k])) return `[${i}].${k} must be a number >= 0`;
    if (!isBins(o.back)) return `[${i}].back must be an array of numbers`;
    if (!isBins(o.attempts)) return `[${i}].attempts must be an array of numbers`;
  }
  return null;
}

const sec = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** One line per storm for the text summary. */
export function renderStorm(f: StormFigures): string {
  const pct = f.target > 0 ? ((f.backAtEnd / f.target) * 100).toFixed(f.backAtEnd === f.target ? 0 : 1) : '100';
  const down = f.mode === 'restart' ? `, control plane down ${sec(f.downMs)}` : '';
  const missing = f.backAtEnd < f.target ? `  ← ${f.target - f.backAtEnd} not back after ${sec(f.watchedMs)}` : '';
  return (
    `storm ${f.index} (${f.mode} at ${sec(f.atMs)}${down}): ${f.connectedBefore} connected before; ` +
    `99% back in ${sec(f.to99Ms)}, 100% in ${sec(f.to100Ms)}; ${f.backAtEnd}/${f.target} back (${pct}%); ` +
    `${f.attempts} attempts (peak ${f.peakAttemptsPerSec}/s, ${f.failedAttempts} failed)${missing}`
  );
}

/** Why the storms failed the run (some agents not back when their watch ended), or null. */
export function stormProblem(storms: readonly StormJSON[]): string | null {
  const bad = storms.map(stormFigures).filter((f) => f.backAtEnd < f.target);
  if (bad.length === 0) return null;
  return `${bad.map((f) => `storm ${f.index}: ${f.target - f.backAtEnd} of ${f.target} agents not back after ${sec(f.watchedMs)}`).join('; ')} (give the run more time after the storm, or set a --threshold on storm_back)`;
}
