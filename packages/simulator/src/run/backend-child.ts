/**
 * Child-process entry of the embedded mock backend (see embedded.ts): it gets
 * its options over IPC, starts the backend and the rental driver, answers
 * stats requests and closes on request (or when the parent goes away).
 */
import { startInProcess, type FromChild, type ToChild } from './embedded.js';

let handle: Awaited<ReturnType<typeof startInProcess>>['handle'] | null = null;
const send = (m: FromChild) => process.send?.(m);

process.on('message', (m: ToChild) => {
  void (async () => {
    try {
      if (m.type === 'start') {
        handle = (await startInProcess(m.options)).handle;
        send({ type: 'ready', url: handle.url });
      } else if (m.type === 'stats' && handle) {
        send({ type: 'stats', stats: await handle.stats() });
      } else if (m.type === 'close') {
        await handle?.close();
        send({ type: 'closed' });
        process.exit(0);
      }
    } catch (err) {
      send({ type: 'error', message: (err as Error).message });
    }
  })();
});
// The parent died or closed the channel: do not linger holding 10,000 sockets.
process.on('disconnect', () => {
  void (handle?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
process.on('SIGINT', () => undefined); // Ctrl-C reaches the whole group; the parent decides when we close.
// Modules loaded: a restart (embedded.ts) waits for this before it kills the running backend.
send({ type: 'booted' });
