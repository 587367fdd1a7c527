/**
 * A shutdown that cannot hang (issue 16). Closing a server politely waits on its
 * peers: Socket.IO's close waits for the HTTP server, which waits for every TCP
 * connection; engine.io holds a close until the peer drains its send buffer; an
 * HTTP request whose headers never finish waits for Node's requestTimeout (300 s).
 * A peer that stopped reading (a half-open or silent ESTAB connection) answers
 * none of that — one such socket once held a 30k-agent run's SIGTERM for > 6 min.
 * So every step gets the time left of one shared grace period, and when it runs
 * out `force` destroys whatever is still open and the remaining steps are only
 * started, not awaited.
 */

/** Default grace period of a backend close, ms: clean closes within it, then every socket is destroyed. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;

export interface BoundedCloseResult {
  /** The grace period ran out and `force` was called. */
  forced: boolean;
  /** Steps that threw or rejected (the others still ran). */
  errors: Error[];
}

/**
 * Runs `steps` in order, awaiting each while time is left of `graceMs`; at the
 * deadline calls `force()` once, then starts the remaining steps without waiting
 * for them. A step that throws is recorded and the next one runs.
 */
export async function boundedClose(steps: readonly (() => unknown)[], graceMs: number, force: () => void): Promise<BoundedCloseResult> {
  const errors: Error[] = [];
  let forced = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      forced = true;
      try {
        force();
      } catch (err) {
        errors.push(err instanceof Error ? err : new Error(String(err)));
      }
      resolve();
    }, Math.max(0, graceMs));
  });
  const note = (err: unknown) => void errors.push(err instanceof Error ? err : new Error(String(err)));
  for (const step of steps) {
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(step()).catch(note);
    } catch (err) {
      note(err);
      continue;
    }
    if (!forced) await Promise.race([p, deadline]);
  }
  clearTimeout(timer);
  return { forced, errors };
}
