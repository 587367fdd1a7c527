/**
 * The live view's timers and terminal handling: a block redrawn every second
 * on a terminal, one plain line every few seconds otherwise (CI logs). The
 * text itself comes from report/render.ts.
 */
import type { LiveMode } from '../cli/args.js';
import type { Report } from '../report/report.js';
import { rateBaseOf, redraw, renderLiveLine, renderLiveTty, snapshotFrom, type RateBase } from '../report/render.js';

export interface LiveViewOptions {
  mode: LiveMode;
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Planned run length, shown as "elapsed / total". */
  durationMs?: number;
  /** Plain-line period, ms. Default 5000. */
  plainEveryMs?: number;
}

/** Starts the view; returns a function that stops it. */
export function startLiveView(current: () => Report, startedAt: number, o: LiveViewOptions): () => void {
  const mode = o.mode === 'auto' ? (o.out.isTTY ? 'tty' : 'plain') : o.mode;
  if (mode === 'off') return () => undefined;
  let prev: RateBase | undefined;
  let lines = 0;
  const draw = () => {
    const report = current();
    const elapsedMs = performance.now() - startedAt;
    const snap = snapshotFrom(report, elapsedMs, prev, o.durationMs);
    prev = rateBaseOf(report, elapsedMs);
    if (mode === 'tty') {
      const text = renderLiveTty(snap);
      o.out.write(redraw(text, lines));
      lines = text.split('\n').length;
    } else {
      o.out.write(`${renderLiveLine(snap)}\n`);
    }
  };
  const timer = setInterval(draw, mode === 'tty' ? 1000 : (o.plainEveryMs ?? 5000));
  return () => {
    clearInterval(timer);
    draw(); // the last state, so the view ends on the final numbers
  };
}
