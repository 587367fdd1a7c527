/**
 * Seeded pseudo-random numbers for the simulator: the same seed gives the same
 * fleet and the same sequence of decisions, on any machine and Node version.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from
 * PractRand): 128-bit state, passes PractRand/BigCrush, ~4 integer ops per
 * number, no allocation per call. Math.random() is not seedable and
 * mulberry32's 2^32 period is short for 10,000 agents × hours of decisions.
 * Seeds and sub-streams are derived with a 32-bit FNV-1a hash + murmur3
 * finaliser, expanded to the 128-bit state with splitmix32.
 */

/** A seed as the CLI takes it: `--seed 42` and `--seed "42"` are the same seed. */
export type Seed = number | string;

const TWO_POW_32 = 4294967296;

/** murmur3's fmix32: spreads every input bit over the whole word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of `s`, continued from `h`, then fmix32. */
function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

/** The 32-bit key of a seed. Exported for tests and for reports (a stable fingerprint of the seed). */
export function seedKey(seed: Seed): number {
  return hashString(String(seed));
}

/**
 * A deterministic random stream. Not cryptographic: never use it for keys or
 * tokens that protect anything.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** The 32-bit key this stream was derived from; forks derive from it, not from the current state. */
  readonly key: number;

  /** @param seed any number or string; equal `String(seed)` gives an equal stream. */
  constructor(seed: Seed) {
    this.key = seedKey(seed);
    this.init(this.key);
  }

  /** A stream from a raw 32-bit key (what `fork` uses). */
  static fromKey(key: number): Rng {
    const r = new Rng(0);
    (r as { key: number }).key = key >>> 0;
    r.init(key >>> 0);
    return r;
  }

  private init(key: number): void {
    // splitmix32 expands the 32-bit key into the 128-bit sfc32 state.
    let s = key >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return fmix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = 1; // sfc32's counter word; starting at 1 is the reference seeding.
    // The reference implementation discards the first outputs to mix the state.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /**
   * An independent stream for `sub` (an agent index, or a name such as
   * `'lifecycle'`). It depends only on this stream's key and `sub`, never on
   * how many numbers were drawn here, so agent 7's stream is the same whether
   * the fleet has 10 agents or 10,000, in one process or split over shards.
   */
  fork(sub: number | string): Rng {
    return Rng.fromKey(hashString(String(sub), fmix32((this.key ^ 0x5bd1e995) >>> 0)));
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, max], both inclusive. Throws when max < min. */
  int(min: number, max: number): number {
    if (!(max >= min)) throw new RangeError(`Rng.int: max (${max}) must be >= min (${min})`);
    return min + Math.floor(this.float() * (Math.floor(max) - Math.ceil(min) + 1));
  }

  /**
   * Approximately normal (Irwin–Hall sum of 4 uniforms, rescaled to unit
   * variance): cheap, and bounded at ±3.46 sd, which suits physical noise
   * better than a true normal's rare huge outliers.
   * @param mean default 0
   * @param sd default 1
   */
  normal(mean = 0, sd = 1): number {
    const s = this.float() + this.float() + this.float() + this.float();
    return mean + sd * (s - 2) * 1.7320508075688772;
  }

  /** Exponentially distributed with the given mean (waiting times between random events). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** True with probability p (p <= 0 never, p >= 1 always). */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.float() < p);
  }

  /** One element of a non-empty array, uniformly. Throws on an empty one. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: the array is empty');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** `n` lowercase hex characters (container ids, fake hashes). */
  hex(n: number): string {
    let out = '';
    while (out.length < n) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, n);
  }

  /** An RFC 4122 version-4-shaped UUID drawn from this stream (deterministic, not unique across seeds by design). */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
