/**
 * `--junit out.xml`: the run's verdicts as JUnit XML, so CI systems (GitLab,
 * Jenkins, GitHub test reporters) show each threshold as a test case. One case
 * per threshold, plus "agents got in" (a run whose agents were all refused
 * fails even without thresholds). The format is the common JUnit XML subset
 * (testsuites > testsuite > testcase > failure) every reader accepts.
 */
import type { Report } from './report.js';
import type { ThresholdResult } from './thresholds.js';

const esc = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // XML 1.0 cannot hold most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

/** The JUnit XML text of a run. `admission` is the admission problem (null when the agents got in). */
export function renderJUnit(report: Report, thresholds: readonly ThresholdResult[], admission: string | null): string {
  const m = report.meta;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const suite = `fleetwire-sim ${m.dialect} (seed ${m.seed}, shards ${m.shards.join(' ')})`;
  const cls = `fleetwire-sim.${m.dialect}`;
  const cases: string[] = [];
  cases.push(
    admission === null
      ? `    <testcase classname="${esc(cls)}" name="agents got in" time="0"/>`
      : `    <testcase classname="${esc(cls)}" name="agents got in" time="0">\n      <failure type="admission" message="${esc(admission)}">${esc(admission)}</failure>\n    </testcase>`,
  );
  for (const t of thresholds) {
    const name = `threshold ${t.expr}`;
    cases.push(
      t.pass
        ? `    <testcase classname="${esc(cls)}.thresholds" name="${esc(name)}" time="0">\n      <system-out>${esc(`actual ${t.actualText}`)}</system-out>\n    </testcase>`
        : `    <testcase classname="${esc(cls)}.thresholds" name="${esc(name)}" time="0">\n      <failure type="threshold" message="${esc(`${t.expr} failed: actual ${t.actualText}`)}">${esc(`${t.metric} ${t.op} ${t.limit}${t.unit === 'count' ? '' : t.unit}; actual ${t.actualText}`)}</failure>\n    </testcase>`,
    );
  }
  const failures = thresholds.filter((t) => !t.pass).length + (admission === null ? 0 : 1);
  const tests = thresholds.length + 1;
  const props = [
    ['dialect', m.dialect],
    ['seed', m.seed],
    ['fleetAgents', String(m.fleetAgents)],
    ['shards', m.shards.join(' ')],
    ['startedAt', m.startedAt],
    ['endedAt', m.endedAt],
  ]
    .map(([k, v]) => `      <property name="${esc(k as string)}" value="${esc(v as string)}"/>`)
    .join('\n');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="fleetwire-sim" tests="${tests}" failures="${failures}" errors="0" time="${seconds}">\n` +
    `  <testsuite name="${esc(suite)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${esc(m.startedAt.replace(/Z$/, ''))}">\n` +
    `    <properties>\n${props}\n    </properties>\n` +
    `${cases.join('\n')}\n` +
    `  </testsuite>\n` +
    `</testsuites>\n`
  );
}
