import { describe, expect, it } from 'vitest';
import { agentIndex, parseExecutionSegment, shardOfSegment, sliceOf, sliceRange } from './shard.ts';

describe('sliceRange', () => {
  it('is disjoint, covers everything and balances to within one', () => {
    for (const total of [0, 1, 7, 10, 100, 1001]) {
      for (const count of [1, 2, 3, 7, 10]) {
        const seen = new Set<number>();
        const sizes: number[] = [];
        for (let i = 0; i < count; i++) {
          const r = sliceRange(total, i, count);
          sizes.push(r.end - r.start);
          for (let k = r.start; k < r.end; k++) {
            expect(seen.has(k)).toBe(false);
            seen.add(k);
          }
        }
        expect(seen.size).toBe(total);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });
  it('explains bad arguments', () => {
    expect(() => sliceRange(10, 3, 3)).toThrow(/shard index must be in 0..2/);
    expect(() => sliceRange(10, 0, 0)).toThrow(/positive integer/);
    expect(() => sliceRange(-1, 0, 1)).toThrow(/non-negative/);
  });
  it('sliceOf takes the shard’s items', () => {
    expect(sliceOf(['a', 'b', 'c', 'd', 'e'], 1, 2)).toEqual(['c', 'd', 'e']);
  });
});

describe('execution segments', () => {
  it('parses k6 notations', () => {
    expect(parseExecutionSegment('1/4:2/4')).toEqual({ from: 0.25, to: 0.5 });
    expect(parseExecutionSegment('0:25%')).toEqual({ from: 0, to: 0.25 });
    expect(parseExecutionSegment('1/2')).toEqual({ from: 0, to: 0.5 });
    expect(parseExecutionSegment('0.5:1')).toEqual({ from: 0.5, to: 1 });
    expect(() => parseExecutionSegment('1/2:1/4')).toThrow(/from < to/);
    expect(() => parseExecutionSegment('a:b')).toThrow(/bad execution segment/);
  });
  it('maps equal-width segments to shard index/count', () => {
    expect(shardOfSegment('2/4:3/4')).toEqual({ index: 2, count: 4 });
    expect(shardOfSegment('0:1/3')).toEqual({ index: 0, count: 3 });
    expect(shardOfSegment('2/3:1')).toEqual({ index: 2, count: 3 });
    expect(shardOfSegment('0:1')).toEqual({ index: 0, count: 1 });
    expect(shardOfSegment('0:2/5')).toBeUndefined();
  });
});

describe('agentIndex', () => {
  it('with explicit shards, ten runners never share an identity', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 10; s++) {
      const { start, end } = sliceRange(95, s, 10);
      for (let vu = 1; vu <= end - start; vu++) {
        const r = agentIndex({ idInTest: vu, idInInstance: vu, shard: { index: s, count: 10 }, agents: 95 });
        if (!r.ok) throw new Error(r.error);
        expect(seen.has(r.index)).toBe(false);
        seen.add(r.index);
      }
      const extra = agentIndex({ idInTest: 1, idInInstance: end - start + 1, shard: { index: s, count: 10 }, agents: 95 });
      expect(extra.ok).toBe(false);
    }
    expect(seen.size).toBe(95);
  });
  it('without a shard, uses k6’s global idInTest', () => {
    expect(agentIndex({ idInTest: 7, idInInstance: 2, agents: 10 })).toEqual({ ok: true, index: 6 });
    expect(agentIndex({ idInTest: 11, idInInstance: 2, agents: 10 })).toMatchObject({ ok: false, error: /exceeds AGENTS=10/ });
  });
});
