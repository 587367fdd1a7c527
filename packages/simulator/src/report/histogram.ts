/**
 * Latency histograms for reports: HdrHistogram (hdr-histogram-js), so shard
 * reports merge exactly — counts add bucket by bucket — instead of averaging
 * percentiles, which is wrong.
 *
 * Values are recorded in microseconds (localhost acks are sub-millisecond) with
 * 3 significant digits over 1 µs … 1 h; the getters speak milliseconds. Every
 * histogram has the same fixed range (no auto-resize), so the encoding of a
 * merge is byte-identical to the encoding of the same samples recorded once.
 */
import * as hdr from 'hdr-histogram-js';

/** 1 hour in µs: anything slower is clamped (and is a failure anyway). */
export const HIGHEST_US = 3_600_000_000;

const build = (): hdr.Histogram =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
    bitBucketSize: 32,
    useWebAssembly: false,
  });

export class LatencyHistogram {
  private readonly h: hdr.Histogram;

  constructor() {
    this.h = build();
  }

  /** Records one latency in ms (fractions kept to the µs). Negative or NaN values are ignored; values over 1 h are clamped. */
  record(ms: number, count = 1): void {
    if (!(ms >= 0) || !(count >= 1)) return;
    const us = Math.min(HIGHEST_US, Math.round(ms * 1000));
    if (count === 1) this.h.recordValue(us);
    else this.h.recordValueWithCount(us, Math.floor(count));
  }

  /** Adds every sample of `other` (exact merge). */
  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }

  /** Removes every sample of `other`, an earlier snapshot of this histogram (exact: what came since). */
  subtract(other: LatencyHistogram): void {
    this.h.subtract(other.h);
  }

  /** An independent copy (e.g. a snapshot to subtract later). */
  clone(): LatencyHistogram {
    return LatencyHistogram.decode(this.encode());
  }

  /** Number of samples. */
  get count(): number {
    return this.h.totalCount;
  }

  /**
   * The value at percentile `p` (0–100), in ms; 0 when empty. Never above {@link maxMs}:
   * HdrHistogram answers with the highest value equivalent to the bucket, which can
   * lie above the largest sample recorded in it (p99 38.6ms over max 38.5ms).
   */
  percentileMs(p: number): number {
    return this.h.totalCount === 0 ? 0 : Math.min(this.h.getValueAtPercentile(p), this.maxUs()) / 1000;
  }

  /**
   * Largest sample to histogram precision (the top of its bucket, as every percentile
   * is), ms; 0 when empty. The bucket top and not the raw sample, so that a merged
   * histogram (which keeps only buckets) reports the same max as the one recorded whole.
   */
  get maxMs(): number {
    return this.h.totalCount === 0 ? 0 : this.maxUs() / 1000;
  }

  private maxUs(): number {
    return (this.h as unknown as { highestEquivalentValue(v: number): number }).highestEquivalentValue(this.h.maxValue);
  }

  /** Smallest sample, ms; 0 when empty. */
  get minMs(): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(0) / 1000;
  }

  /** Mean, ms; 0 when empty. */
  get meanMs(): number {
    return this.h.totalCount === 0 ? 0 : this.h.mean / 1000;
  }

  /** The compressed base64 HdrHistogram encoding (readable by any HdrHistogram implementation). */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  /** Inverse of {@link encode}. Throws a plain Error with the reason when the text is not a histogram. */
  static decode(encoded: string): LatencyHistogram {
    let decoded: hdr.Histogram;
    try {
      decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
    } catch (err) {
      throw new Error(`not an encoded HdrHistogram (${(err as Error).message})`);
    }
    const out = new LatencyHistogram();
    // Re-home into the fixed range so later merges and encodings stay canonical.
    out.h.add(decoded);
    return out;
  }
}
