import { describe, expect, it } from 'vitest';
import { boundedClose } from './shutdown.js';

describe('boundedClose', () => {
  it('awaits every step in order when they finish in time, and never forces', async () => {
    const seen: string[] = [];
    const r = await boundedClose([() => seen.push('a'), async () => seen.push('b'), () => seen.push('c')], 60_000, () => seen.push('force'));
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(r).toEqual({ forced: false, errors: [] });
  });

  it('forces at the deadline when a step never settles, and still starts the steps after it', async () => {
    const seen: string[] = [];
    const r = await boundedClose([() => new Promise(() => {}), () => seen.push('after')], 20, () => seen.push('force'));
    expect(seen).toEqual(['force', 'after']);
    expect(r.forced).toBe(true);
  });

  it('records a step that throws or rejects and goes on', async () => {
    const r = await boundedClose([() => { throw new Error('sync'); }, () => Promise.reject(new Error('async')), () => undefined], 60_000, () => {});
    expect(r.errors.map((e) => e.message)).toEqual(['sync', 'async']);
    expect(r.forced).toBe(false);
  });
});
