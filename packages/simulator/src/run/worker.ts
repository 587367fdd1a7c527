/** Worker-thread entry: one sub-slice of agents (slice-server.ts) over the thread's port. */
import { parentPort, workerData } from 'node:worker_threads';
import type { SliceSpec } from './runners.js';
import { serveSlice } from './slice-server.js';

serveSlice(workerData as SliceSpec, {
  post: (m) => parentPort?.postMessage(m),
  onMessage: (cb) => parentPort?.on('message', cb),
  close: () => parentPort?.close(),
});
