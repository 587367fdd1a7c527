/**
 * What each dialect accepts among the run options: rentals are fleet's,
 * commands monitor's, slow answers need something to answer, and thresholds
 * that would have no samples in the dialect are refused with the reason
 * rather than passing or failing on nothing (exit 2, said on stderr).
 */
import { thresholdProblem } from '../report/thresholds.js';
import type { RunOptions } from './args.js';

/**
 * Messages for the options that do not fit `options.dialect`; empty when all fit.
 * @param given whether a flag was set to something other than its default
 */
export function dialectProblems(options: RunOptions, given: (flag: string, def: string) => boolean): string[] {
  const out: string[] = [];
  if (options.dialect !== 'fleet') {
    if (given('rentals-per-minute', '60')) out.push(`--rentals-per-minute: fleet only (--dialect ${options.dialect} has no rentals)`);
    if (given('rental-duration', '30s')) out.push(`--rental-duration: fleet only (--dialect ${options.dialect} has no rentals)`);
    if (given('transport', 'lean')) out.push(`--transport: fleet only (--dialect ${options.dialect} speaks plain WebSocket already)`);
  }
  if (options.dialect !== 'monitor' && given('commands-per-minute', '60')) out.push(`--commands-per-minute: monitor only (--dialect ${options.dialect} gets no commands)`);
  if (options.url !== null && given('commands-per-minute', '60') && options.commandsPerMinute > 0) {
    out.push('--commands-per-minute: only with the embedded backend (against --url the control plane sends its own commands)');
  }
  if (options.dialect === 'vstats' && options.chaos.slowAck !== null) {
    out.push('--chaos-slow-ack: vstats agents answer nothing (no acks, no commands), so there is nothing to be late with');
  }
  for (const t of options.thresholds) {
    const problem = thresholdProblem(t, options.dialect, options.url === null);
    if (problem) out.push(`--threshold ${t.expr}: ${problem}`);
  }
  return out;
}
