/**
 * Did the agents get in? A run in which no agent ever completed its handshake,
 * or in which agents were refused for good (a rejected key), measured nothing
 * the user asked for: it fails (exit 1) whatever the thresholds say.
 */
import { C, G, type Report } from './report.js';

/** Codes that mean "you are not allowed": an agent refused with one stays out. */
const REFUSALS = ['FW_AUTH_REJECTED', 'FW_TOKEN_EXPIRED'];

/** The codes seen, largest first, as `FW_AUTH_REJECTED 20, FW_CONNECT_FAILED 3`. */
export function topCodes(report: Report, limit = 4): string {
  const codes = Object.entries(report.counters)
    .filter(([k, v]) => (k.startsWith('errors.') || k.startsWith('connection_events.')) && v > 0)
    .map(([k, v]) => [k.slice(k.indexOf('.') + 1), v] as const)
    .sort((a, b) => b[1] - a[1]);
  return codes.slice(0, limit).map(([c, v]) => `${c} ${v}`).join(', ');
}

/** Why the run failed to get its agents in, or null when it did. */
export function admissionProblem(report: Report): string | null {
  const target = report.gauge(G.target);
  const got = report.counter(C.agentsIn);
  if (target <= 0) return null;
  const out = target - got;
  const refused = REFUSALS.reduce((n, c) => n + report.counter(`errors.${c}`), 0);
  const why = topCodes(report);
  if (got === 0) return `no agent got in: ${target} of ${target} never completed the handshake${why ? ` (${why})` : ' (no error seen: is the URL right and the control plane up?)'}`;
  if (out > 0 && refused > 0) return `${out} of ${target} agents never got in: refused by the control plane (${why}); check the keys (--keys, or the mock's dev keys dev-<nodeId>)`;
  return null;
}
