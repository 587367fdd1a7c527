/**
 * The body of a worker (thread or child process): run one sub-slice of agents
 * (runners.ts) and send its report every second, and once more, final, after
 * `stop`. The channel is the only thing threads and processes do differently.
 */
import { localRunner, type FromWorker, type SliceSpec, type ToWorker } from './runners.js';

export interface WorkerChannel {
  post(m: FromWorker): void;
  /** Calls `cb` with every message from the parent (`stop`, `storm`). */
  onMessage(cb: (m: ToWorker) => void): void;
  /** Ends the channel after the final report, so the worker can exit. */
  close(): void;
}

export function serveSlice(spec: SliceSpec, ch: WorkerChannel): void {
  const runner = localRunner(spec);
  ch.post({ type: 'ready' });
  let allConnected = false;
  void runner.allConnected.then(() => (allConnected = true));
  const post = (type: 'report' | 'final') => {
    const r = runner.current();
    r.meta.endedAt = new Date().toISOString();
    ch.post({ type, report: r.toJSON(), rampMs: runner.rampMs(), allConnected } as FromWorker);
  };
  const timer = setInterval(() => post('report'), 1000);
  ch.onMessage((m) => {
    if (m.type === 'storm') return runner.storm(m.storm);
    if (m.type !== 'stop') return;
    clearInterval(timer);
    void runner.stop().then(() => {
      post('final');
      ch.close();
    });
  });
}
