/**
 * Child-process entry (`--processes`): one sub-slice of agents over the IPC
 * channel. A process has its own open-file table (~20,000 sockets here), which
 * worker threads share: processes are how one box goes past ~20,000 agents.
 */
import type { SliceSpec } from './runners.js';
import { serveSlice } from './slice-server.js';

process.once('message', (first: { type: string; spec: SliceSpec }) => {
  if (first.type !== 'spec') return;
  serveSlice(first.spec, {
    post: (m) => process.send?.(m),
    onMessage: (cb) => process.on('message', cb),
    close: () => process.disconnect?.(),
  });
});
