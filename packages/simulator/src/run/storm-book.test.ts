import { describe, expect, it, vi } from 'vitest';
import { Report } from '../report/report.js';
import { stormFigures } from '../report/storm.js';
import { StormBook } from './storm-book.js';

const report = () => new Report({ dialect: 'fleet', seed: 's', fleetAgents: 3, shards: ['0/1'], startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:10.000Z' });

describe('StormBook', () => {
  it('counts nothing before a storm; after one, re-admissions and losses of connections accepted in it, by 100 ms bin', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const r = report();
      const book = new StormBook(r);
      expect(book.up()).toBe(0); // before any storm: epoch 0, no record
      book.attempt(0);
      expect(r.storms).toEqual([]);
      book.begin({ index: 1, mode: 'partition', wallMs: Date.now(), atMs: 5000, drop: true }, 3, 3);
      book.down(0); // a connection from before the storm: not this storm's
      vi.advanceTimersByTime(250);
      const e1 = book.up();
      const e2 = book.up();
      vi.advanceTimersByTime(200);
      book.down(e2); // relapse
      vi.advanceTimersByTime(300);
      book.up();
      book.up();
      vi.advanceTimersByTime(1000);
      book.finish();
      expect(e1).toBe(1);
      const f = stormFigures(r.storms[0]!);
      expect(r.storms[0]!.back).toEqual([0, 0, 2, 0, -1, 0, 0, 2]);
      expect(f).toMatchObject({ backAtEnd: 3, to99Ms: 800, to100Ms: 800, watchedMs: 1750, connectedBefore: 3, target: 3 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('attempts by due time, or by dial time once dials are counted (then due times are ignored)', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const r = report();
      const book = new StormBook(r);
      book.begin({ index: 1, mode: 'restart', wallMs: Date.now(), atMs: 0, drop: false }, 3, 3);
      book.attempt(2500); // due in 2.5 s: bin 2
      book.failed();
      expect(r.storms[0]).toMatchObject({ attempts: [0, 0, 1], failedAttempts: 1 });
      book.dialsCounted = true;
      book.attempt(0);
      vi.advanceTimersByTime(1200);
      book.dial();
      expect(r.storms[0]!.attempts).toEqual([0, 1, 1]);
    } finally {
      vi.useRealTimers();
    }
  });
});
