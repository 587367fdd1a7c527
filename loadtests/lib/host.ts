/**
 * The metrics model: one simulated GPU host whose figures move the way real
 * ones do (mean-reverting random walks, temperatures that follow load, memory
 * that follows running work, monotonically growing network/disk counters).
 * Seeded per agent so a run is reproducible and agents differ from each other.
 * Every dialect's builder projects the same host, so a dashboard watching
 * several dialects sees consistent numbers. No allocations per step beyond the
 * small arrays the payloads need.
 */

/** mulberry32: tiny, fast, good enough for load-test variety; deterministic per seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);

/** Static facts about a host, drawn once from the seed. */
export interface HostProfile {
  hostname: string;
  cpuCores: number;
  cpuBrand: string;
  gpuCount: number;
  /** Memory per GPU, MB. */
  gpuMemoryMb: number;
  ramTotalMb: number;
  diskTotalGb: number;
}

/** The live state; read it after {@link HostModel.step}. */
export interface HostState {
  cpuPercent: number;
  perCore: number[];
  cpuTemp: number;
  gpuUtil: number[];
  gpuTemp: number[];
  gpuMemUsedMb: number[];
  ramUsedMb: number;
  diskUsedGb: number;
  rxMbps: number;
  txMbps: number;
  /** Cumulative bytes since boot. */
  rxBytes: number;
  txBytes: number;
  uptimeS: number;
  load1: number;
  load5: number;
  load15: number;
}

export class HostModel {
  readonly profile: HostProfile;
  readonly state: HostState;
  /** Rentals running on this host; raises GPU load and memory. */
  busy = false;
  private readonly r: () => number;

  /** @param seed any integer; the agent index is a good one. */
  constructor(seed: number, hostname = `gpu-host-${seed}`) {
    this.r = rng(seed * 2654435761 + 1);
    const r = this.r;
    const gpuCount = [1, 2, 4, 8][Math.floor(r() * 4)] as number;
    const cpuCores = [8, 16, 32, 64][Math.floor(r() * 4)] as number;
    this.profile = {
      hostname,
      cpuCores,
      cpuBrand: r() < 0.5 ? 'AMD EPYC 7543' : 'Intel Xeon Gold 6338',
      gpuCount,
      gpuMemoryMb: r() < 0.5 ? 24576 : 81920,
      ramTotalMb: cpuCores * 8192,
      diskTotalGb: [1000, 2000, 4000][Math.floor(r() * 3)] as number,
    };
    this.state = {
      cpuPercent: 10 + r() * 20,
      perCore: new Array<number>(cpuCores).fill(0),
      cpuTemp: 40,
      gpuUtil: new Array<number>(gpuCount).fill(0),
      gpuTemp: new Array<number>(gpuCount).fill(35),
      gpuMemUsedMb: new Array<number>(gpuCount).fill(500),
      ramUsedMb: this.profile.ramTotalMb * (0.15 + r() * 0.2),
      diskUsedGb: this.profile.diskTotalGb * (0.2 + r() * 0.4),
      rxMbps: 5,
      txMbps: 2,
      rxBytes: Math.floor(r() * 1e10),
      txBytes: Math.floor(r() * 5e9),
      uptimeS: Math.floor(86400 * (1 + r() * 30)),
      load1: 0.5,
      load5: 0.5,
      load15: 0.5,
    };
    this.step(0);
  }

  /** Advances the model by `dtS` seconds (the heartbeat interval). */
  step(dtS: number): HostState {
    const s = this.state;
    const p = this.profile;
    const r = this.r;
    // Mean reversion toward a load target that depends on whether a rental runs.
    const cpuTarget = this.busy ? 65 : 15;
    s.cpuPercent = clamp(s.cpuPercent + (cpuTarget - s.cpuPercent) * 0.3 + (r() - 0.5) * 10, 1, 100);
    for (let i = 0; i < s.perCore.length; i++) s.perCore[i] = round1(clamp(s.cpuPercent + (r() - 0.5) * 20, 0, 100));
    s.cpuTemp = clamp(35 + s.cpuPercent * 0.45 + (r() - 0.5) * 2, 30, 95);
    for (let g = 0; g < p.gpuCount; g++) {
      const target = this.busy ? 85 : 2;
      const u = clamp((s.gpuUtil[g] as number) + (target - (s.gpuUtil[g] as number)) * 0.4 + (r() - 0.5) * 8, 0, 100);
      s.gpuUtil[g] = Math.round(u);
      s.gpuTemp[g] = round1(clamp(32 + u * 0.5 + (r() - 0.5) * 2, 28, 92));
      const memTarget = this.busy ? p.gpuMemoryMb * 0.7 : 450;
      s.gpuMemUsedMb[g] = Math.round(clamp((s.gpuMemUsedMb[g] as number) + (memTarget - (s.gpuMemUsedMb[g] as number)) * 0.5, 0, p.gpuMemoryMb));
    }
    s.ramUsedMb = clamp(s.ramUsedMb + (r() - 0.5) * 512, p.ramTotalMb * 0.05, p.ramTotalMb * 0.95);
    s.diskUsedGb = Math.min(p.diskTotalGb, s.diskUsedGb + r() * 0.01 * dtS);
    s.rxMbps = clamp(s.rxMbps + (r() - 0.5) * 20 + (this.busy ? 5 : -2), 0.1, 1000);
    s.txMbps = clamp(s.txMbps + (r() - 0.5) * 8 + (this.busy ? 2 : -1), 0.1, 1000);
    s.rxBytes += Math.floor((s.rxMbps * 1e6 * dtS) / 8);
    s.txBytes += Math.floor((s.txMbps * 1e6 * dtS) / 8);
    s.uptimeS += dtS;
    const instant = (s.cpuPercent / 100) * p.cpuCores;
    s.load1 += (instant - s.load1) * 0.3;
    s.load5 += (instant - s.load5) * 0.08;
    s.load15 += (instant - s.load15) * 0.03;
    return s;
  }
}

export { round1, clamp };
