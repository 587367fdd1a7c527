/**
 * Durations as people write them on a command line: `30s`, `5m`, `1h`,
 * `250ms`, `1m30s`, `1.5s`. Shared by `--duration`, `--heartbeat-interval`,
 * `--ramp`-style flags and latency thresholds.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;

/**
 * Milliseconds of a duration text, or null when it is not one.
 * @param bareUnit unit for a number without one (`'ms'` for latency thresholds); null (default) requires a unit, so `--duration 60` is not silently 60 ms.
 */
export function parseDurationMs(text: string, bareUnit: keyof typeof UNIT_MS | null = null): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return bareUnit ? Number(t) * (UNIT_MS[bareUnit] as number) : null;
  if (t.length === 0) return null;
  PART.lastIndex = 0;
  let total = 0;
  let m: RegExpExecArray | null;
  while (PART.lastIndex < t.length && (m = PART.exec(t))) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return PART.lastIndex === t.length ? total : null;
}

/** A duration for people: `850µs`, `12.3ms`, `4.2s`, `3m05s`, `1h02m`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 10) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${ms.toFixed(1)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  return `${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`;
}
