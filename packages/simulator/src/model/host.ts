/**
 * The fake GPU host behind one simulated agent: GPUs whose utilisation,
 * temperature and memory follow the rentals pinned to them, and CPU, RAM, disk
 * and network that drift plausibly. All randomness comes from the agent's own
 * seeded stream, so a seed replays the same host.
 *
 * Cost model: every number lives in preallocated fields / typed arrays; `tick`
 * allocates nothing. The `*Metrics()` methods allocate only the object the SDK
 * sends (fresh each time, because the SDK may queue it while disconnected).
 */
import type { Rng } from './rng.js';
import type { FleetMetrics, NodeStatus } from './sdk.js';

/** What a host is made of. {@link randomHostSpec} draws a plausible one. */
export interface HostSpec {
  /** Number of GPUs (0..16). */
  gpuCount: number;
  /** Memory of each GPU, MiB. */
  gpuMemoryTotalMb: number;
  /** Marketing name, reported by vstats as the CPU brand's neighbour. */
  gpuModel: string;
  cpuCores: number;
  cpuBrand: string;
  ramTotalMb: number;
  diskTotalGb: number;
  hostname: string;
  /** Idle GPU/CPU temperature floor, °C. Default 30. */
  ambientTempC: number;
}

const GPU_MODELS = [
  { name: 'NVIDIA RTX 4090', memMb: 24564 },
  { name: 'NVIDIA A100 80GB', memMb: 81920 },
  { name: 'NVIDIA H100 80GB', memMb: 81559 },
  { name: 'NVIDIA L40S', memMb: 46068 },
] as const;
const CPUS = ['AMD EPYC 7763', 'Intel Xeon Gold 6338', 'AMD EPYC 9654'] as const;

/** A plausible host for `gpuCount` GPUs, drawn from `rng`. */
export function randomHostSpec(rng: Rng, gpuCount: number, hostname: string): HostSpec {
  const gpu = rng.pick(GPU_MODELS);
  return {
    gpuCount,
    gpuMemoryTotalMb: gpu.memMb,
    gpuModel: gpu.name,
    cpuCores: rng.pick([16, 32, 64, 128]),
    cpuBrand: rng.pick(CPUS),
    ramTotalMb: rng.pick([65536, 131072, 262144, 524288]),
    diskTotalGb: rng.pick([1000, 2000, 4000, 8000]),
    hostname,
    ambientTempC: 30,
  };
}

/** Per-rental load, drawn when the rental is pinned. */
interface Rental {
  gpus: number[];
  memPerGpuMb: number;
  ramMb: number;
  imageGb: number;
}

/** Result of {@link HostModel.pinRental}. */
export type PinResult = { ok: true } | { ok: false; message: string };

const round1 = (x: number): number => Math.round(x * 10) / 10;
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
/** Share of a step toward a target after dt with time constant tau (first-order lag). */
const lag = (dtS: number, tauS: number): number => 1 - Math.exp(-dtS / tauS);

/** Seconds it takes utilisation / temperature / memory to follow a change (63 %). */
const TAU_UTIL_S = 8;
const TAU_TEMP_S = 40;
const TAU_MEM_S = 5;

export class HostModel {
  readonly spec: HostSpec;
  private readonly rng: Rng;
  // GPU state, one slot per GPU.
  readonly gpuUtil: Float64Array;
  readonly gpuTemp: Float64Array;
  readonly gpuMemUsedMb: Float64Array;
  private readonly gpuTargetUtil: Float64Array;
  private readonly gpuRentalMemMb: Float64Array;
  private readonly gpuRentals: Uint8Array;
  // Host state.
  cpuPercent = 4;
  cpuTempC: number;
  ramUsedMb: number;
  diskUsedGb: number;
  rxMbps = 5;
  txMbps = 2;
  /** Cumulative interface counters (monitor / vstats report totals, not rates). */
  rxBytes = 0;
  txBytes = 0;
  uptimeS: number;
  /** 1/5/15-minute load averages, as the kernel computes them (EMA of runnable tasks). */
  readonly loadAvg = new Float64Array(3);
  private draining = false;
  /** Sum of the pinned rentals' RAM, kept on pin/release so `tick` need not iterate the map. */
  private rentalRamMb = 0;
  private readonly rentals = new Map<string, Rental>();

  constructor(rng: Rng, spec: HostSpec) {
    if (!Number.isInteger(spec.gpuCount) || spec.gpuCount < 0 || spec.gpuCount > 64) {
      throw new RangeError(`HostModel: gpuCount must be an integer 0..64, got ${spec.gpuCount}`);
    }
    this.rng = rng;
    this.spec = spec;
    const n = spec.gpuCount;
    this.gpuUtil = new Float64Array(n);
    this.gpuTemp = new Float64Array(n).fill(spec.ambientTempC + 5);
    this.gpuMemUsedMb = new Float64Array(n).fill(400);
    this.gpuTargetUtil = new Float64Array(n);
    this.gpuRentalMemMb = new Float64Array(n);
    this.gpuRentals = new Uint8Array(n);
    this.cpuTempC = spec.ambientTempC + 10;
    this.ramUsedMb = spec.ramTotalMb * rng.range(0.05, 0.12);
    this.diskUsedGb = spec.diskTotalGb * rng.range(0.1, 0.4);
    this.uptimeS = Math.floor(rng.range(3600, 30 * 86400));
    this.rxBytes = Math.floor(this.uptimeS * rng.range(1e5, 1e6));
    this.txBytes = Math.floor(this.rxBytes * rng.range(0.2, 0.6));
  }

  /** Number of rentals currently pinned. */
  get rentalCount(): number {
    return this.rentals.size;
  }

  /** True when the rental is pinned here. */
  hasRental(rentalId: string): boolean {
    return this.rentals.has(rentalId);
  }

  /** Draining hosts report `maintenance` (fleet.md `drain_node`). */
  setDraining(draining: boolean): void {
    this.draining = draining;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** The heartbeat `status`: maintenance when draining, busy with any rental, else online. */
  fleetStatus(): NodeStatus {
    return this.draining ? 'maintenance' : this.rentals.size > 0 ? 'busy' : 'online';
  }

  /**
   * Pins a rental to GPUs (indices as in `resourceLimits.gpuIndices`, strings
   * or numbers). Pinning an already pinned rental again is a no-op (a resent
   * start_instance after reconnect is the same fact). Bad indices are refused
   * with a message, never thrown.
   * @param ramMb host RAM the container uses; default drawn (4–32 GiB).
   */
  pinRental(rentalId: string, gpuIndices: readonly (string | number)[], ramMb?: number): PinResult {
    if (this.rentals.has(rentalId)) return { ok: true };
    const gpus: number[] = [];
    for (const raw of gpuIndices) {
      const i = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isInteger(i) || i < 0 || i >= this.spec.gpuCount) {
        return { ok: false, message: `GPU index ${JSON.stringify(raw)} does not exist on this host (it has ${this.spec.gpuCount} GPUs: 0..${this.spec.gpuCount - 1})` };
      }
      if (!gpus.includes(i)) gpus.push(i);
    }
    // The rental's load comes from a stream of its own: the same rental gets the
    // same load whatever the timing of ticks and commands around it.
    const rr = this.rng.fork(`rental:${rentalId}`);
    const rental: Rental = {
      gpus,
      memPerGpuMb: this.spec.gpuMemoryTotalMb * rr.range(0.3, 0.9),
      ramMb: ramMb ?? rr.range(4096, 32768),
      imageGb: rr.range(4, 20),
    };
    const util = rr.range(55, 100);
    for (const i of gpus) {
      this.gpuRentals[i] = (this.gpuRentals[i] as number) + 1;
      this.gpuRentalMemMb[i] = (this.gpuRentalMemMb[i] as number) + rental.memPerGpuMb;
      this.gpuTargetUtil[i] = Math.max(this.gpuTargetUtil[i] as number, util);
    }
    // The image pull lands on disk at once; it stays cached after the rental.
    this.diskUsedGb = Math.min(this.diskUsedGb + rental.imageGb, this.spec.diskTotalGb * 0.97);
    this.rentals.set(rentalId, rental);
    this.rentalRamMb += rental.ramMb;
    return { ok: true };
  }

  /** Releases a rental's GPUs. Unknown ids are ignored (stop is idempotent). */
  releaseRental(rentalId: string): void {
    const rental = this.rentals.get(rentalId);
    if (!rental) return;
    this.rentals.delete(rentalId);
    this.rentalRamMb -= rental.ramMb;
    for (const i of rental.gpus) {
      const left = (this.gpuRentals[i] as number) - 1;
      this.gpuRentals[i] = left;
      this.gpuRentalMemMb[i] = Math.max(0, (this.gpuRentalMemMb[i] as number) - rental.memPerGpuMb);
      if (left === 0) this.gpuTargetUtil[i] = 0;
    }
  }

  /** GPU indices with no rental, ascending (what a scheduler would hand out next). */
  freeGpus(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.spec.gpuCount; i++) if (this.gpuRentals[i] === 0) out.push(i);
    return out;
  }

  /** Advances the model by `dtMs` (any step; the lags are time-based, so 1 s or 5 s ticks agree). */
  tick(dtMs: number): void {
    if (!(dtMs > 0)) return;
    const dtS = dtMs / 1000;
    const r = this.rng;
    const s = this.spec;
    const aUtil = lag(dtS, TAU_UTIL_S);
    const aTemp = lag(dtS, TAU_TEMP_S);
    const aMem = lag(dtS, TAU_MEM_S);
    let busyShare = 0;
    for (let i = 0; i < s.gpuCount; i++) {
      const rented = (this.gpuRentals[i] as number) > 0;
      if (rented) busyShare++;
      const target = rented ? clamp((this.gpuTargetUtil[i] as number) + r.normal(0, 4), 0, 100) : r.range(0, 2);
      const util = clamp((this.gpuUtil[i] as number) + (target - (this.gpuUtil[i] as number)) * aUtil, 0, 100);
      this.gpuUtil[i] = util;
      // Temperature follows utilisation with a slower lag: ~ambient+8 idle, ~ambient+55 flat out.
      const tempTarget = s.ambientTempC + 8 + util * 0.47 + r.normal(0, 0.4);
      this.gpuTemp[i] = (this.gpuTemp[i] as number) + (tempTarget - (this.gpuTemp[i] as number)) * aTemp;
      const memTarget = 400 + (this.gpuRentalMemMb[i] as number) + (rented ? r.normal(0, 150) : 0);
      const mem = (this.gpuMemUsedMb[i] as number) + (memTarget - (this.gpuMemUsedMb[i] as number)) * aMem;
      this.gpuMemUsedMb[i] = clamp(mem, 0, s.gpuMemoryTotalMb);
    }
    busyShare = s.gpuCount > 0 ? busyShare / s.gpuCount : this.rentals.size > 0 ? 1 : 0;

    // Mean-reverting random walks (Ornstein–Uhlenbeck): they wander, but stay near a level set by the load.
    const sq = Math.sqrt(dtS);
    this.cpuPercent = clamp(this.ou(this.cpuPercent, 4 + 30 * busyShare, 0.1, 1.5, dtS, sq), 0.5, 100);
    this.cpuTempC = this.cpuTempC + (s.ambientTempC + 10 + this.cpuPercent * 0.4 - this.cpuTempC) * aTemp;
    const ramLevel = s.ramTotalMb * 0.08 + this.rentalRamMb;
    this.ramUsedMb = clamp(this.ou(this.ramUsedMb, ramLevel, 0.05, s.ramTotalMb * 0.002, dtS, sq), s.ramTotalMb * 0.03, s.ramTotalMb * 0.98);
    // Disk: logs and checkpoints creep up while busy, a slow cleanup pulls it back.
    this.diskUsedGb = clamp(this.diskUsedGb + (busyShare * 0.01 - 0.001) * dtS + r.normal(0, 0.01) * sq, s.diskTotalGb * 0.05, s.diskTotalGb * 0.97);
    this.rxMbps = clamp(this.ou(this.rxMbps, 5 + 150 * busyShare, 0.2, 4, dtS, sq), 0, 10_000);
    this.txMbps = clamp(this.ou(this.txMbps, 2 + 50 * busyShare, 0.2, 2, dtS, sq), 0, 10_000);
    this.rxBytes += Math.round((this.rxMbps * 1e6 * dtS) / 8);
    this.txBytes += Math.round((this.txMbps * 1e6 * dtS) / 8);
    this.uptimeS += dtS;
    // Load average: runnable tasks ≈ cores × cpu share, smoothed over 1/5/15 minutes like the kernel.
    const runnable = (s.cpuCores * this.cpuPercent) / 100;
    this.loadAvg[0] = (this.loadAvg[0] as number) + (runnable - (this.loadAvg[0] as number)) * lag(dtS, 60);
    this.loadAvg[1] = (this.loadAvg[1] as number) + (runnable - (this.loadAvg[1] as number)) * lag(dtS, 300);
    this.loadAvg[2] = (this.loadAvg[2] as number) + (runnable - (this.loadAvg[2] as number)) * lag(dtS, 900);
  }

  private ou(x: number, mu: number, theta: number, sigma: number, dtS: number, sqrtDt: number): number {
    return x + theta * (mu - x) * Math.min(dtS, 1 / theta) + sigma * sqrtDt * this.rng.normal();
  }

  /** The fleet heartbeat `metrics` (fleet.md), rounded to one decimal like a real agent. */
  fleetMetrics(): FleetMetrics {
    const n = this.spec.gpuCount;
    const gpuTemp = new Array<number>(n);
    const gpuUtilization = new Array<number>(n);
    const gpuMemoryUsedMb = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      gpuTemp[i] = round1(this.gpuTemp[i] as number);
      gpuUtilization[i] = Math.round(this.gpuUtil[i] as number);
      gpuMemoryUsedMb[i] = Math.round(this.gpuMemUsedMb[i] as number);
    }
    return {
      cpuTemp: round1(this.cpuTempC),
      cpuUsagePercent: round1(this.cpuPercent),
      gpuTemp,
      gpuUtilization,
      gpuMemoryUsedMb,
      ramUsageMb: Math.round(this.ramUsedMb),
      ramTotalMb: this.spec.ramTotalMb,
      diskUsageGb: round1(this.diskUsedGb),
      diskTotalGb: this.spec.diskTotalGb,
      networkRxMbps: round1(this.rxMbps),
      networkTxMbps: round1(this.txMbps),
    };
  }
}
