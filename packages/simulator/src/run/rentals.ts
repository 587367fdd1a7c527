/**
 * Drives rentals when the simulator embeds the mock backend: a seeded stream
 * of start_instance commands sent through the backend's fleet server, each
 * followed by a stop_instance after a drawn rental time (unless the container
 * ended by itself first). A real control plane sends its own commands, so this
 * runs only against the embedded backend.
 */
import type { FleetServer, FleetState } from '@fleetwire/mock-backend';
import { Rng, type Seed } from '../model/rng.js';

export interface RentalDriverOptions {
  fleet: Pick<FleetServer, 'startInstance' | 'stopInstance'>;
  state: Pick<FleetState, 'nodes'>;
  /** The node ids rentals go to (drawn uniformly). */
  nodeIds: readonly string[];
  /** New rentals per minute over the whole fleet. 0 = none. */
  perMinute: number;
  /** Mean rental time before the stop_instance, ms (exponential, on top of minRentalMs). Default 30000. */
  meanRentalMs?: number;
  /** Shortest rental time, ms. Default 0. */
  minRentalMs?: number;
  seed: Seed;
  /** How long to wait before looking again at a rental still starting when its stop is due, ms. Default 2000. */
  recheckMs?: number;
}

/** What the driver has done. */
export interface RentalDriverCounts {
  startsSent: number;
  startsUndelivered: number;
  stopsSent: number;
}

export class RentalDriver {
  readonly counts: RentalDriverCounts = { startsSent: 0, startsUndelivered: 0, stopsSent: 0 };
  private readonly rng: Rng;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private n = 0;
  private stopped = false;

  constructor(private readonly o: RentalDriverOptions) {
    this.rng = new Rng(o.seed).fork('rentals');
  }

  /** Starts sending commands (the first after one mean gap). */
  start(): void {
    if (this.o.perMinute > 0 && this.o.nodeIds.length > 0) this.next();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    t.unref?.();
    this.timers.add(t);
  }

  private next(): void {
    this.later(this.rng.exponential(60_000 / this.o.perMinute), () => {
      void this.rentOne();
      this.next();
    });
  }

  /** Sends one start_instance now; returns its rental id. Also what tests call for a fixed script. */
  async rentOne(): Promise<string> {
    const r = this.rng;
    const k = this.n++;
    const nodeId = r.pick(this.o.nodeIds);
    const rentalId = `rental-${String(k).padStart(6, '0')}`;
    const lifetime = (this.o.minRentalMs ?? 0) + r.exponential(this.o.meanRentalMs ?? 30_000);
    const graceful = r.chance(0.9);
    const res = await this.o.fleet.startInstance(nodeId, {
      rentalId,
      image: 'nvidia/cuda:12.2.0-runtime-ubuntu22.04',
      resourceLimits: { gpuIndices: ['0'], cpuCores: 8, ramLimit: '32g', diskLimit: '100g' },
      proxyPortMapping: { '22': 20000 + (k % 40000), '8888': 60000 + (k % 5000) },
    });
    this.counts.startsSent++;
    if (!res.sent) {
      this.counts.startsUndelivered++;
      return rentalId;
    }
    const tryStop = (triesLeft: number): void => {
      // Stop only what runs: a crashed or timed-out container already reported its end;
      // one still starting (pull delay) is looked at again a little later.
      const rental = this.o.state.nodes.get(nodeId)?.rentals.get(rentalId);
      if (!rental) {
        if (triesLeft > 0) this.later(this.o.recheckMs ?? 2000, () => tryStop(triesLeft - 1));
        return;
      }
      if (rental.state !== 'running') return;
      this.counts.stopsSent++;
      void this.o.fleet.stopInstance(nodeId, { rentalId, containerId: rental.containerId, graceful, timeoutSeconds: 30 }).catch(() => undefined);
    };
    this.later(lifetime, () => tryStop(15));
    return rentalId;
  }
}
