/**
 * Shard slicing: when a test runs on several k6 instances (k6-operator,
 * `--execution-segment`, or N plain `k6 run`s with SHARD_INDEX/SHARD_COUNT),
 * every instance must drive a disjoint set of agent identities and keys, so ten
 * runners never log in as the same node. Pure functions; the scripts feed them
 * k6's execution facts.
 */

/** A contiguous half-open range [start, end). */
export interface Range {
  start: number;
  end: number;
}

/**
 * The slice of `total` items that shard `index` of `count` owns. Slices are
 * contiguous, disjoint, cover everything, and differ in size by at most one.
 */
export function sliceRange(total: number, index: number, count: number): Range {
  if (!Number.isInteger(total) || total < 0) throw new Error(`total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`shard count must be a positive integer, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new Error(`shard index must be in 0..${count - 1}, got ${index}`);
  return { start: Math.floor((total * index) / count), end: Math.floor((total * (index + 1)) / count) };
}

function parseFraction(s: string): number {
  const t = s.trim();
  let v: number;
  if (t.endsWith('%')) v = Number(t.slice(0, -1)) / 100;
  else if (t.includes('/')) {
    const [n, d] = t.split('/');
    v = Number(n) / Number(d);
  } else v = Number(t);
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new Error(`bad execution segment bound "${s}"`);
  return v;
}

/** Parses a k6 execution segment (`"1/4:2/4"`, `"0:25%"`, `"0.5:1"`, or one bound `"1/2"` meaning `0:1/2`). */
export function parseExecutionSegment(segment: string): { from: number; to: number } {
  const parts = segment.split(':');
  if (parts.length > 2 || segment.trim() === '') throw new Error(`bad execution segment "${segment}"`);
  const from = parts.length === 2 ? parseFraction(parts[0] as string) : 0;
  const to = parseFraction(parts[parts.length - 1] as string);
  if (!(from < to)) throw new Error(`execution segment "${segment}" must have from < to`);
  return { from, to };
}

/**
 * The shard index/count an equal-width segment stands for (`"2/4:3/4"` → 2 of 4),
 * or undefined when the segment is not one of n equal parts.
 */
export function shardOfSegment(segment: string): { index: number; count: number } | undefined {
  const { from, to } = parseExecutionSegment(segment);
  const count = Math.round(1 / (to - from));
  const index = Math.round(from * count);
  const eps = 1e-9;
  return Math.abs(1 / count - (to - from)) < eps && Math.abs(index / count - from) < eps ? { index, count } : undefined;
}

/** What the script knows about where it runs. */
export interface AgentSlot {
  /** k6 `exec.vu.idInTest`: 1-based, unique across all instances of a segmented run. */
  idInTest: number;
  /** k6 `exec.vu.idInInstance`: 1-based within this instance. */
  idInInstance: number;
  /** Explicit shard (SHARD_INDEX/SHARD_COUNT) for runs that k6 does not segment. */
  shard?: { index: number; count: number };
  /** Total agents in the whole test (AGENTS). */
  agents: number;
}

/**
 * The 0-based agent index (identity and key row) this VU plays, or an error
 * when the VU has no identity of its own (more VUs than agents in the shard).
 *
 * - With an explicit shard, VUs of this instance take the shard's contiguous
 *   slice of [0, agents): instance-local ids never collide across instances.
 * - Otherwise k6's `idInTest` is used: k6 derives it from the execution segment
 *   sequence, so it is already globally unique in a distributed run.
 */
export function agentIndex(slot: AgentSlot): { ok: true; index: number } | { ok: false; error: string } {
  if (slot.shard) {
    const r = sliceRange(slot.agents, slot.shard.index, slot.shard.count);
    const index = r.start + slot.idInInstance - 1;
    return index < r.end
      ? { ok: true, index }
      : { ok: false, error: `VU ${slot.idInInstance} has no identity: shard ${slot.shard.index}/${slot.shard.count} owns agents ${r.start}..${r.end - 1}` };
  }
  const index = slot.idInTest - 1;
  return index < slot.agents ? { ok: true, index } : { ok: false, error: `VU ${slot.idInTest} exceeds AGENTS=${slot.agents}` };
}

/** The keys a shard owns, for loading only its slice of a large keys file. */
export function sliceOf<T>(items: readonly T[], index: number, count: number): T[] {
  const r = sliceRange(items.length, index, count);
  return items.slice(r.start, r.end);
}
