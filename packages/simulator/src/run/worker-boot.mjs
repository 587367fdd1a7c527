// Worker bootstrap when running from the TypeScript sources: Node 20 does not
// apply `--import tsx` to worker threads, so the worker registers tsx itself
// and then loads the real entry (worker.ts). From dist, worker.js runs directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__entry);
