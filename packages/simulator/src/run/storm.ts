/**
 * `--scenario storm`: the main process's side of a reconnect storm. At each
 * planned time it stamps the storm (wall clock, so worker threads and child
 * processes bin against the same instant), tells every slice, and either lets
 * the slices drop every socket at once (partition) or crashes the embedded
 * mock backend and starts it again on the same port (restart). The slices do
 * the measuring (storm-book.ts); this only causes storms and times the
 * backend's absence.
 */
import type { StormPlan } from '../cli/args.js';
import { formatMs } from '../report/units.js';
import type { EmbeddedBackend } from './embedded.js';
import type { Runner } from './runners.js';

export interface StormDriver {
  /** How long the control plane was away per storm (restart), by storm index; 0 for a partition. */
  readonly downMs: Map<number, number>;
  /** Cancels storms not yet due and waits for a restart in progress (the backend must not be closed half-started). */
  stop(): Promise<void>;
}

/**
 * Schedules the storms of `plan` from now (the run clock's start, `t0`).
 * @param say progress lines (stderr)
 */
export function startStorms(plan: StormPlan, runner: Runner, embedded: EmbeddedBackend | null, t0: number, say: (line: string) => void): StormDriver {
  const downMs = new Map<number, number>();
  const timers: ReturnType<typeof setTimeout>[] = [];
  let busy: Promise<void> = Promise.resolve();
  let stopped = false;

  const fire = async (index: number): Promise<void> => {
    if (stopped) return;
    const restart = plan.mode === 'restart';
    // Stamped just before anything is cut, so no re-admission can fall before the storm.
    const begin = () => runner.storm({ index, mode: plan.mode, wallMs: Date.now(), atMs: performance.now() - t0, drop: !restart });
    if (!restart) {
      begin();
      downMs.set(index, 0);
      say(`fleetwire-sim: storm ${index}: dropped every agent's connection at once (partition)`);
      return;
    }
    if (!embedded) throw new Error('storm restart needs the embedded backend'); // args.ts refuses this combination
    const oldPid = embedded.pid;
    try {
      const r = await embedded.restart(plan.downMs, begin);
      if (index < plan.count) void embedded.warmUp();
      downMs.set(index, r.downMs);
      say(`fleetwire-sim: storm ${index}: killed the mock backend (pid ${oldPid}); listening again after ${formatMs(r.downMs)} (pid ${r.pid})`);
    } catch (err) {
      say(`fleetwire-sim: storm ${index}: could not restart the mock backend: ${(err as Error).message}`);
    }
  };

  if (plan.mode === 'restart') void embedded?.warmUp();
  for (let k = 0; k < plan.count; k++) {
    const t = setTimeout(() => {
      // One storm at a time: a restart still in progress finishes before the next one starts.
      busy = busy.then(() => fire(k + 1));
    }, plan.atMs + k * plan.everyMs);
    timers.push(t);
  }
  return {
    downMs,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await busy;
    },
  };
}
