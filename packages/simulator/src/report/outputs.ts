/**
 * The files a run (or a merge) writes: `--out` JSON report, `--html` page,
 * `--junit` XML. One place, so run and merge write the same things.
 */
import { writeFileSync } from 'node:fs';
import type { Report } from './report.js';
import type { ThresholdResult } from './thresholds.js';

export interface OutputPaths {
  out: string | null;
  html: string | null;
  junit: string | null;
}

/** Writes every requested file; returns the first failure's message, or null. */
export async function writeOutputs(report: Report, results: readonly ThresholdResult[], admission: string | null, paths: OutputPaths, say: (line: string) => void, who = 'fleetwire-sim'): Promise<string | null> {
  const json = report.toJSON();
  const jobs: [string, string | null, () => Promise<string> | string][] = [
    ['--out', paths.out, () => `${JSON.stringify(json, null, 2)}\n`],
    // The HTML writer reads uPlot from disk: loaded only when asked for.
    ['--html', paths.html, async () => (await import('./html.js')).renderHtml({ report: json, thresholds: results, admission })],
    ['--junit', paths.junit, async () => (await import('./junit.js')).renderJUnit(report, results, admission)],
  ];
  for (const [flag, path, render] of jobs) {
    if (!path) continue;
    try {
      writeFileSync(path, await render());
      say(`${who}: ${flag === '--out' ? 'report' : flag.slice(2).toUpperCase()} written to ${path}`);
    } catch (err) {
      const why = `could not write ${flag} ${path}: ${(err as Error).message}`;
      say(`${who}: ${why}`);
      return why;
    }
  }
  return null;
}
