/**
 * Timers for deadlines that may lie weeks ahead. setTimeout keeps delays in a
 * signed 32-bit int: anything above 2^31-1 ms (~24.8 days) becomes 1 ms, so a
 * token valid for 25 days or more (the admin API mints up to 366) would expire
 * at once. This chains timeouts of at most that size until the deadline.
 */

/** The longest delay setTimeout honours, in ms (2^31-1, ~24.8 days). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A pending long timer; cancel() is safe to call more than once. */
export interface LongTimer {
  cancel(): void;
}

/**
 * Calls `fn` once `ms` have passed (0 or less: on the next turn). The wait is
 * measured against the wall clock (`Date.now()`), like the token expiries it
 * serves. Unref'd: a pending expiry never keeps a Node process alive.
 */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  const deadline = Date.now() + Math.max(0, ms);
  let handle: ReturnType<typeof setTimeout> | null = null;
  const arm = (): void => {
    const left = Math.max(0, deadline - Date.now());
    handle = setTimeout(() => {
      handle = null;
      // Not there yet (a chained step, or the wall clock lagging the timer clock): wait on.
      if (deadline - Date.now() > 0) arm();
      else fn();
    }, Math.min(left, MAX_TIMEOUT_MS));
    handle.unref?.();
  };
  arm();
  return {
    cancel() {
      if (handle !== null) clearTimeout(handle);
      handle = null;
    },
  };
}
