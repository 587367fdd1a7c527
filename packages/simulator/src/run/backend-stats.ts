/**
 * What the embedded control plane saw, added to the run report beside what
 * the agents saw (`backend.*` counters): protocol errors from malformed
 * frames, metrics the backend's state counted, lifecycle receipts, and for
 * monitor the command round trips (histogram `command`).
 */
import type { Dialect } from '../cli/args.js';
import { LatencyHistogram } from '../report/histogram.js';
import { H, type Report } from '../report/report.js';
import type { BackendStats } from './embedded.js';

/** Backend counter names (also read by thresholds and the summary). */
export const B = {
  heartbeats: 'backend.heartbeats',
  metrics: 'backend.metrics',
  protocolErrors: 'backend.protocol_errors',
  authFailures: 'backend.auth_failures',
  lifecycleReceipts: 'backend.lifecycle_receipts',
  facts: 'backend.lifecycle_facts',
  rentalsStarted: 'backend.rentals_started',
  rentalsStopped: 'backend.rentals_stopped',
  commandsSent: 'backend.commands_sent',
  commandsAnswered: 'backend.commands_answered',
  commandsFailed: 'backend.commands_failed',
  commandsUndelivered: 'backend.commands_undelivered',
} as const;

export function addBackendStats(report: Report, dialect: Dialect, s: BackendStats): void {
  report.count(B.heartbeats, s.heartbeats);
  report.count(B.protocolErrors, s.protocolErrors);
  report.count(B.authFailures, s.authFailures);
  if (dialect === 'fleet') {
    report.count(B.lifecycleReceipts, s.lifecycleReceipts);
    report.count(B.facts, s.facts);
    report.count(B.rentalsStarted, s.rentals.startsSent);
    report.count(B.rentalsStopped, s.rentals.stopsSent);
    return;
  }
  report.count(B.metrics, s.metrics);
  if (s.commands) {
    report.count(B.commandsSent, s.commands.sent);
    report.count(B.commandsAnswered, s.commands.answered);
    report.count(B.commandsFailed, s.commands.failed);
    report.count(B.commandsUndelivered, s.commands.undelivered);
  }
  if (s.commandRtt) report.histogram(H.command).add(LatencyHistogram.decode(s.commandRtt));
}
