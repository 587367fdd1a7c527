/**
 * `fleetwire-sim merge a.json b.json …`: reads shard reports, merges them
 * exactly (histogram buckets add, counters and gauges sum), prints the
 * summary, writes --out, evaluates thresholds. Exit codes as for run.
 */
import { readFileSync } from 'node:fs';
import { Report, mergeReports, missingShards } from '../report/report.js';
import { renderSummary } from '../report/render.js';
import { evaluateThresholds } from '../report/thresholds.js';
import { admissionProblem } from '../report/admission.js';
import { writeOutputs } from '../report/outputs.js';
import type { MergeOptions } from './args.js';
import type { RunIo, RunResult } from '../run/run.js';

export async function mergeCommand(o: MergeOptions, io: RunIo): Promise<RunResult> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let merged: Report;
  try {
    const reports = o.files.map((f) => {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (err) {
        throw new Error(`${f}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (err) {
        throw new Error(`${f}: not JSON (${(err as Error).message})`);
      }
      return Report.fromJSON(data, f);
    });
    merged = mergeReports(reports);
  } catch (err) {
    say(`fleetwire-sim merge: ${(err as Error).message}`);
    return { exitCode: 2, report: null, thresholds: [] };
  }
  const missing = missingShards(merged.meta);
  if (missing.length > 0) say(`fleetwire-sim merge: note: shards ${missing.join(', ')} are not in these reports`);
  const results = evaluateThresholds(merged, o.thresholds);
  io.stdout.write(renderSummary(merged, results));
  const admission = admissionProblem(merged);
  if (await writeOutputs(merged, results, admission, o, say, 'fleetwire-sim merge')) return { exitCode: 2, report: merged, thresholds: results };
  if (admission) {
    say(`fleetwire-sim merge: ${admission}`);
    return { exitCode: 1, report: merged, thresholds: results };
  }
  const failed = results.filter((r) => !r.pass);
  if (failed.length > 0) {
    say(`fleetwire-sim merge: ${failed.length} threshold(s) failed: ${failed.map((f) => `${f.expr} (actual ${f.actualText})`).join(', ')}`);
    return { exitCode: 1, report: merged, thresholds: results };
  }
  return { exitCode: 0, report: merged, thresholds: results };
}
