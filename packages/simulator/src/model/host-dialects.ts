/**
 * The same host model, reported in the `monitor` and `vstats` dialects. Only
 * the metric bodies are built here; the SDK agents add the envelope
 * (`type`, `server_id`, `timestamp`) that their dialect needs.
 */
import type { HostModel } from './host.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const round1 = (x: number): number => Math.round(x * 10) / 10;

/** monitor.md `disk_usage` item (fields fixed in protocols/README.md). */
export interface MonitorDiskUsage {
  mount: string;
  total_bytes: number;
  used_bytes: number;
  percent: number;
}
/** monitor.md `network` item (cumulative counters since boot). */
export interface MonitorNetwork {
  interface: string;
  rx_bytes: number;
  tx_bytes: number;
}
/** The metric fields of a monitor agent `{type:"metrics"}` message. */
export interface MonitorMetrics {
  cpu_percent: number;
  memory_percent: number;
  disk_usage: MonitorDiskUsage[];
  network: MonitorNetwork[];
}

/** The `data` of a vstats agent metrics report (vstats.md "Metrics Report"). */
export interface VstatsSystemMetrics {
  timestamp: string;
  hostname: string;
  os: { name: string; version: string; kernel: string; arch: string };
  cpu: { brand: string; cores: number; usage: number; frequency: number; per_core: number[] };
  memory: { total: number; used: number; available: number; swap_total: number; swap_used: number; usage_percent: number };
  disks: Array<{ name: string; mount_point: string; fs_type: string; total: number; used: number; available: number; usage_percent: number }>;
  network: { interfaces: Array<{ name: string; rx: number; tx: number }>; total_rx: number; total_tx: number };
  uptime: number;
  load_average: { one: number; five: number; fifteen: number };
}

/** A monitor-dialect metrics body from the host's current state. */
export function monitorMetrics(host: HostModel): MonitorMetrics {
  const s = host.spec;
  const diskTotal = s.diskTotalGb * GIB;
  const diskUsed = Math.round(host.diskUsedGb * GIB);
  return {
    cpu_percent: round1(host.cpuPercent),
    memory_percent: round1((host.ramUsedMb / s.ramTotalMb) * 100),
    disk_usage: [{ mount: '/', total_bytes: diskTotal, used_bytes: diskUsed, percent: round1((diskUsed / diskTotal) * 100) }],
    network: [{ interface: 'eth0', rx_bytes: host.rxBytes, tx_bytes: host.txBytes }],
  };
}

/**
 * A vstats full system metrics report from the host's current state.
 * @param timestamp ISO 8601 time of the sample (the caller's clock, so tests stay deterministic)
 */
export function vstatsMetrics(host: HostModel, timestamp: string): VstatsSystemMetrics {
  const s = host.spec;
  const perCore = new Array<number>(s.cpuCores);
  // Per-core values scatter around the total without a random draw: a fixed
  // pattern keeps the call free of RNG side effects (reporting must not change the event sequence).
  for (let i = 0; i < s.cpuCores; i++) {
    perCore[i] = round1(Math.min(100, Math.max(0, host.cpuPercent * (0.8 + 0.4 * (((i * 7919) % 13) / 12)))));
  }
  const memTotal = s.ramTotalMb * MIB;
  const memUsed = Math.round(host.ramUsedMb * MIB);
  const diskTotal = s.diskTotalGb * GIB;
  const diskUsed = Math.round(host.diskUsedGb * GIB);
  return {
    timestamp,
    hostname: s.hostname,
    os: { name: 'Ubuntu', version: '22.04', kernel: '5.15.0', arch: 'x86_64' },
    cpu: { brand: s.cpuBrand, cores: s.cpuCores, usage: round1(host.cpuPercent), frequency: 3600, per_core: perCore },
    memory: {
      total: memTotal,
      used: memUsed,
      available: memTotal - memUsed,
      swap_total: 0,
      swap_used: 0,
      usage_percent: round1((memUsed / memTotal) * 100),
    },
    disks: [
      {
        name: 'nvme0n1p1',
        mount_point: '/',
        fs_type: 'ext4',
        total: diskTotal,
        used: diskUsed,
        available: diskTotal - diskUsed,
        usage_percent: round1((diskUsed / diskTotal) * 100),
      },
    ],
    network: { interfaces: [{ name: 'eth0', rx: host.rxBytes, tx: host.txBytes }], total_rx: host.rxBytes, total_tx: host.txBytes },
    uptime: Math.floor(host.uptimeS),
    load_average: { one: round1(host.loadAvg[0] as number), five: round1(host.loadAvg[1] as number), fifteen: round1(host.loadAvg[2] as number) },
  };
}
