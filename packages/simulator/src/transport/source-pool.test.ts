import { describe, expect, it } from 'vitest';
import { SourcePool } from './source-pool.js';

const pairsOf = (pool: SourcePool, n: number) => Array.from({ length: n }, () => pool.take()).map((p) => p && `${p.localAddress}:${p.localPort}`);

describe('SourcePool', () => {
  it('owns two pairs per agent of its global index range, so slices of one fleet never share one', () => {
    const o = { addresses: ['127.0.0.2', '127.0.0.3'], ports: [20000, 20003] as const };
    const a = new SourcePool(o, 0, 2); // agents 0–1 → pairs 0–3
    const b = new SourcePool(o, 2, 4); // agents 2–3 → pairs 4–7
    expect(pairsOf(a, 4)).toEqual(['127.0.0.2:20000', '127.0.0.2:20001', '127.0.0.2:20002', '127.0.0.2:20003']);
    expect(pairsOf(b, 4)).toEqual(['127.0.0.3:20000', '127.0.0.3:20001', '127.0.0.3:20002', '127.0.0.3:20003']);
    expect(a.take()).toBeNull(); // all in use: the caller lets the OS pick
  });

  it('gives a released pair out again only after every other free pair (FIFO)', () => {
    const pool = new SourcePool({ addresses: ['127.0.0.2'], ports: [30000, 30009] }, 0, 3);
    const first = pool.take()!;
    const second = pool.take()!;
    pool.release(first);
    expect(pool.free).toBe(5);
    expect(pairsOf(pool, 5)).toEqual(['127.0.0.2:30002', '127.0.0.2:30003', '127.0.0.2:30004', '127.0.0.2:30005', '127.0.0.2:30000']);
    pool.release(second);
    expect(pool.take()!.localPort).toBe(30001);
  });

  it('wraps round addresses × ports when given fewer pairs than it needs, and refuses a bad range', () => {
    const pool = new SourcePool({ addresses: ['10.0.0.5'], ports: [40000, 40001] }, 0, 2);
    expect(pairsOf(pool, 4)).toEqual(['10.0.0.5:40000', '10.0.0.5:40001', '10.0.0.5:40000', '10.0.0.5:40001']);
    expect(() => new SourcePool({ addresses: ['10.0.0.5'], ports: [5, 4] }, 0, 1)).toThrow(/bad port range/);
    expect(() => new SourcePool({ addresses: [], ports: [5, 6] }, 0, 1)).toThrow(/no addresses/);
  });

  it('ignores a release into a full pool instead of overwriting a free pair', () => {
    const pool = new SourcePool({ addresses: ['127.0.0.2'], ports: [30000, 30009] }, 0, 1);
    pool.release({ localAddress: '127.0.0.2', localPort: 30009, k: 9 });
    expect(pairsOf(pool, 2)).toEqual(['127.0.0.2:30000', '127.0.0.2:30001']);
  });
});
