/**
 * This machine's actual metrics in the fleet heartbeat shape (`FleetMetrics`).
 *
 * Sources, Linux first and `os` as the portable fallback:
 * - CPU use: delta of `/proc/stat` between calls (else of `os.cpus()` times).
 *   The first call has no previous sample, so it reports the average since
 *   boot — a real figure, the same one `top` shows in its first frame.
 * - CPU temperature: hwmon (`coretemp`, `k10temp`, …) or a CPU-typed
 *   `/sys/class/thermal` zone. Omitted when neither is readable — never guessed.
 * - Memory: `os.totalmem()` / `os.freemem()` (libuv reads MemAvailable on Linux).
 * - Disk: `fs.promises.statfs` on `diskPath` (default `/`).
 * - Network: delta of `/proc/net/dev` byte counters over elapsed time, summed
 *   over non-loopback interfaces, in megabits/s; 0 on the first call.
 * - GPU: `nvidia-smi` (see ./gpu.ts); empty arrays when absent.
 *
 * Off Linux (macOS, Windows) there is no `/proc` or `/sys`: CPU use comes from
 * `os.cpus()`, cpuTemp is omitted, and network rates are 0 because Node has no
 * portable interface-counter API. `provider.sources` says which applied.
 */
import { readFile, readdir, statfs } from 'node:fs/promises';
import os from 'node:os';
import { join, parse as parsePath } from 'node:path';
import { ErrorCodes, FleetwireError, type fleet } from '@fleetwire/sdk';
import { createGpuReader, type GpuReaderOptions } from './gpu.js';

type FleetMetrics = fleet.FleetMetrics;

/** Cumulative CPU time since boot, in any one unit (jiffies or ms). */
export interface CpuTimes {
  idle: number;
  total: number;
}

/** One interface's cumulative byte counters. */
export interface NetCounters {
  iface: string;
  rxBytes: number;
  txBytes: number;
}

/**
 * Parses the aggregate `cpu ` line of `/proc/stat`. Idle is idle + iowait;
 * total is user..steal (guest/guest_nice are already inside user/nice, so
 * adding them would count them twice). `undefined` when the line is missing
 * or malformed. Pure.
 */
export function parseProcStat(text: string): CpuTimes | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  // Kernels before 2.6.11 have fewer fields; 4 (user nice system idle) is the minimum.
  if (f.length < 4 || !f.every((n) => Number.isFinite(n) && n >= 0)) return undefined;
  const idle = f[3]! + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { idle, total };
}

/** Sums `os.cpus()` times across cores, the same shape as {@link parseProcStat}. */
export function cpuTimesFromOs(cpus: readonly os.CpuInfo[] = os.cpus()): CpuTimes | undefined {
  if (cpus.length === 0) return undefined;
  let idle = 0;
  let total = 0;
  for (const { times } of cpus) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/** CPU busy percentage between two samples (0..100, one decimal); since boot when `prev` is undefined. */
export function cpuPercent(prev: CpuTimes | undefined, cur: CpuTimes): number {
  const total = cur.total - (prev?.total ?? 0);
  const idle = cur.idle - (prev?.idle ?? 0);
  if (total <= 0) return 0; // no ticks elapsed between two very close calls
  return round(Math.min(100, Math.max(0, (100 * (total - idle)) / total)), 1);
}

/**
 * Parses `/proc/net/dev` into per-interface byte counters (all interfaces,
 * loopback included; filtering is the caller's). Malformed lines are skipped. Pure.
 */
export function parseNetDev(text: string): NetCounters[] {
  const out: NetCounters[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue; // the two header lines have '|' but no ':'
    const iface = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    // Fields: 8 receive columns then 8 transmit columns; bytes are the first of each.
    const rx = f[0];
    const tx = f[8];
    if (iface === '' || rx === undefined || tx === undefined || !Number.isFinite(rx) || !Number.isFinite(tx)) continue;
    out.push({ iface, rxBytes: rx, txBytes: tx });
  }
  return out;
}

/**
 * Received/transmitted megabits per second between two samples, summed per
 * interface. An interface whose counter went backwards (reset, re-created) or
 * that is new since `prev` contributes 0 for this interval. Pure.
 */
export function netRatesMbps(
  prev: readonly NetCounters[],
  cur: readonly NetCounters[],
  elapsedMs: number,
  include: (iface: string) => boolean = isNotLoopback,
): { rx: number; tx: number } {
  if (!(elapsedMs > 0)) return { rx: 0, tx: 0 };
  const before = new Map(prev.map((c) => [c.iface, c]));
  let rxBytes = 0;
  let txBytes = 0;
  for (const c of cur) {
    const p = before.get(c.iface);
    if (!p || !include(c.iface)) continue;
    rxBytes += Math.max(0, c.rxBytes - p.rxBytes);
    txBytes += Math.max(0, c.txBytes - p.txBytes);
  }
  const toMbps = (bytes: number) => round((bytes * 8) / 1e6 / (elapsedMs / 1000), 3);
  return { rx: toMbps(rxBytes), tx: toMbps(txBytes) };
}

/** Default interface filter: everything but loopback. */
export function isNotLoopback(iface: string): boolean {
  return iface !== 'lo' && !iface.startsWith('lo:');
}

/** Parses a sysfs millidegree reading (`"45500\n"` → 45.5); `undefined` when unreadable or implausible. Pure. */
export function parseMilliCelsius(text: string): number | undefined {
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return undefined;
  const c = Number(t) / 1000;
  // Unconnected sensors report 0, -273 or absurd values; those are not readings.
  return c > 0 && c < 150 ? round(c, 1) : undefined;
}

const HWMON_CPU_DRIVERS = new Set(['coretemp', 'k10temp', 'zenpower', 'cpu_thermal', 'cpu-thermal', 'soc_thermal']);
const THERMAL_CPU_TYPE = /^(x86_pkg_temp|cpu|soc|coretemp|k10temp)/i;

/**
 * Finds the file holding the CPU temperature under `sysRoot` (default `/`):
 * first a CPU driver's hwmon `temp1_input` (package / Tctl), then a thermal
 * zone whose type names the CPU. Board sensors such as `acpitz` are not the
 * CPU and are not used. `undefined` when there is none (VMs, containers, macOS).
 */
export async function findCpuTempFile(sysRoot = '/'): Promise<string | undefined> {
  const hwmon = join(sysRoot, 'sys/class/hwmon');
  for (const d of (await readdir(hwmon).catch(() => [] as string[])).sort()) {
    const name = (await readFile(join(hwmon, d, 'name'), 'utf8').catch(() => '')).trim();
    const file = join(hwmon, d, 'temp1_input');
    if (HWMON_CPU_DRIVERS.has(name) && parseMilliCelsius(await readFile(file, 'utf8').catch(() => '')) !== undefined) {
      return file;
    }
  }
  const thermal = join(sysRoot, 'sys/class/thermal');
  for (const d of (await readdir(thermal).catch(() => [] as string[])).sort()) {
    if (!d.startsWith('thermal_zone')) continue;
    const type = (await readFile(join(thermal, d, 'type'), 'utf8').catch(() => '')).trim();
    const file = join(thermal, d, 'temp');
    if (THERMAL_CPU_TYPE.test(type) && parseMilliCelsius(await readFile(file, 'utf8').catch(() => '')) !== undefined) {
      return file;
    }
  }
  return undefined;
}

/** Where each figure came from on this host, for the agent's startup log. */
export interface MetricSources {
  cpu: '/proc/stat' | 'os.cpus()';
  /** The sysfs file read, or `'unavailable'` (field omitted). */
  cpuTemp: string;
  network: '/proc/net/dev' | 'unavailable (reported as 0)';
  /** `undefined` until the first call has tried nvidia-smi. */
  gpu: 'nvidia-smi' | 'absent' | undefined;
  diskPath: string;
}

/** Options for {@link createSystemMetricsProvider}. */
export interface SystemMetricsOptions {
  /** Filesystem whose usage is reported. Default `/` (the current drive's root on Windows). */
  diskPath?: string;
  /** Which interfaces count towards network rates. Default: all but loopback. Note veth/bridge
   *  interfaces of containers carry traffic that also crosses the physical NIC. */
  includeInterface?: (iface: string) => boolean;
  /** Root of `/proc` and `/sys`, for tests with fixture trees. Default `/`. */
  sysRoot?: string;
  /** Options for the nvidia-smi reader (command, timeoutMs default 2000, onWarning). */
  gpu?: GpuReaderOptions;
}

/** An async metrics provider for `FleetAgent`, plus where its figures come from. */
export interface SystemMetricsProvider {
  (): Promise<FleetMetrics>;
  readonly sources: MetricSources;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Creates a provider that returns this machine's metrics on each call,
 * keeping the previous CPU and network counters for deltas (so call it on
 * the heartbeat cadence, not in a tight loop).
 */
export function createSystemMetricsProvider(options: SystemMetricsOptions = {}): SystemMetricsProvider {
  const sysRoot = options.sysRoot ?? '/';
  const diskPath = options.diskPath ?? (process.platform === 'win32' ? parsePath(process.cwd()).root : '/');
  const include = options.includeInterface ?? isNotLoopback;
  if (typeof diskPath !== 'string' || diskPath === '') {
    throw new FleetwireError(
      ErrorCodes.FW_INVALID_ARGUMENT,
      `createSystemMetricsProvider: options.diskPath must be a non-empty path, got ${JSON.stringify(diskPath)}`,
    );
  }
  const readGpu = createGpuReader(options.gpu);
  const sources: MetricSources = { cpu: 'os.cpus()', cpuTemp: 'unavailable', network: 'unavailable (reported as 0)', gpu: undefined, diskPath };
  let prevCpu: CpuTimes | undefined;
  let prevCpuSource: MetricSources['cpu'] | undefined;
  let prevNet: { at: number; counters: NetCounters[] } | undefined;
  let tempFile: Promise<string | undefined> | undefined;
  const readText = (rel: string) => readFile(join(sysRoot, rel), 'utf8').catch(() => undefined);

  const provider = async (): Promise<FleetMetrics> => {
    tempFile ??= findCpuTempFile(sysRoot);
    const [statText, netRead, tempPath, disk, gpu] = await Promise.all([
      readText('proc/stat'),
      // Timestamp the counters when read, not after nvidia-smi (up to timeoutMs) has answered.
      readText('proc/net/dev').then((text) => ({ text, at: performance.now() })),
      tempFile,
      statfs(diskPath).catch((err: Error) => {
        // The agent reports a rejected provider as FW_HANDLER_FAILED and skips this heartbeat.
        throw new FleetwireError(ErrorCodes.FW_HANDLER_FAILED, `system metrics: cannot read disk usage of ${diskPath}: ${err.message}`, { diskPath }, { cause: err });
      }),
      readGpu(),
    ]);
    const fromProc = statText === undefined ? undefined : parseProcStat(statText);
    const cpu = fromProc ?? cpuTimesFromOs();
    sources.cpu = fromProc ? '/proc/stat' : 'os.cpus()';
    // Never mix sources across a delta: /proc/stat jiffies and os.cpus() ms differ.
    const cpuUsagePercent = cpu ? cpuPercent(prevCpuSource === sources.cpu ? prevCpu : undefined, cpu) : 0;
    prevCpu = cpu;
    prevCpuSource = sources.cpu;

    const counters = netRead.text === undefined ? undefined : parseNetDev(netRead.text);
    sources.network = counters ? '/proc/net/dev' : 'unavailable (reported as 0)';
    const net = counters && prevNet ? netRatesMbps(prevNet.counters, counters, netRead.at - prevNet.at, include) : { rx: 0, tx: 0 };
    prevNet = counters ? { at: netRead.at, counters } : undefined;

    const cpuTemp = tempPath === undefined ? undefined : parseMilliCelsius(await readFile(tempPath, 'utf8').catch(() => ''));
    sources.cpuTemp = cpuTemp === undefined ? 'unavailable' : tempPath!;
    sources.gpu = readGpu.available === false ? 'absent' : 'nvidia-smi';

    const total = os.totalmem();
    const metrics: FleetMetrics = {
      cpuUsagePercent,
      gpuTemp: gpu.gpuTemp,
      gpuUtilization: gpu.gpuUtilization,
      gpuMemoryUsedMb: gpu.gpuMemoryUsedMb,
      ramUsageMb: Math.round((total - os.freemem()) / MiB),
      ramTotalMb: Math.round(total / MiB),
      diskUsageGb: round(((disk.blocks - disk.bfree) * disk.bsize) / GiB, 2),
      diskTotalGb: round((disk.blocks * disk.bsize) / GiB, 2),
      networkRxMbps: net.rx,
      networkTxMbps: net.tx,
    };
    if (cpuTemp !== undefined) metrics.cpuTemp = cpuTemp;
    return metrics;
  };
  return Object.defineProperty(provider, 'sources', { value: sources, enumerable: true }) as SystemMetricsProvider;
}

function round(n: number, digits: number): number {
  const p = 10 ** digits;
  return Math.round(n * p) / p;
}
