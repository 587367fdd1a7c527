/**
 * Message counts as plain numbers, keyed by one string, folded into a
 * prom-client Counter only when /metrics is scraped. Counting a message is a
 * Map lookup and an add — no label hashing, no prom-client call, no closure per
 * socket — which is what the per-message path of 100k agents can afford (issue 16).
 */
export class Tally {
  private readonly n = new Map<string, number>();

  /** Adds `by` (default 1) to `key`. */
  add(key: string, by = 1): void {
    this.n.set(key, (this.n.get(key) ?? 0) + by);
  }

  get(key: string): number {
    return this.n.get(key) ?? 0;
  }

  entries(): IterableIterator<[string, number]> {
    return this.n.entries();
  }
}
