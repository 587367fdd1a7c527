/**
 * Worker-thread entry: runs one sub-slice of agents (runners.ts) and posts its
 * report every second and once more, final, after `stop`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { localRunner, type FromWorker, type SliceSpec } from './runners.js';

const spec = workerData as SliceSpec;
const runner = localRunner(spec);
let allConnected = false;
void runner.allConnected.then(() => (allConnected = true));

const post = (type: 'report' | 'final') => {
  const r = runner.current();
  r.meta.endedAt = new Date().toISOString();
  parentPort?.postMessage({ type, report: r.toJSON(), rampMs: runner.rampMs(), allConnected } as FromWorker);
};
const timer = setInterval(() => post('report'), 1000);

parentPort?.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  clearInterval(timer);
  void runner.stop().then(() => {
    post('final');
    parentPort?.close();
  });
});
