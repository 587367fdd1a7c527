import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes, fleet } from '@fleetwire/sdk';
import {
  cpuPercent,
  cpuTimesFromOs,
  createSystemMetricsProvider,
  findCpuTempFile,
  netRatesMbps,
  parseMilliCelsius,
  parseNetDev,
  parseProcStat,
} from './system-metrics.js';

const { fleetValidators } = fleet;

const PROC_STAT = `cpu  2740 10 1242 39461 80 0 41 2 7 3
cpu0 1258 0 512 19981 7 0 19 1 0 0
cpu1 1481 0 730 19479 73 0 22 1 0 0
intr 123456 0 0
ctxt 987654
`;

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
  eth0: 189742606    6329    0    0    0     0          0         0   503608    3927    0    0    0     0       0          0
wlan0:1000 5 0 0 0 0 0 0 2000 6 0 0 0 0 0 0
`;

describe('parseProcStat', () => {
  it('reads idle (idle+iowait) and total (user..steal, not guest) from the aggregate line', () => {
    // user nice system idle iowait irq softirq steal = 2740+10+1242+39461+80+0+41+2
    expect(parseProcStat(PROC_STAT)).toEqual({ idle: 39461 + 80, total: 43576 });
  });

  it('accepts old kernels with only four fields', () => {
    expect(parseProcStat('cpu  10 0 5 85\n')).toEqual({ idle: 85, total: 100 });
  });

  it('returns undefined without an aggregate line or with garbage in it', () => {
    expect(parseProcStat('cpu0 1 2 3 4\n')).toBeUndefined();
    expect(parseProcStat('cpu  1 x 3 4\n')).toBeUndefined();
    expect(parseProcStat('cpu  1 2\n')).toBeUndefined();
    expect(parseProcStat('')).toBeUndefined();
  });
});

describe('cpuPercent', () => {
  it('is the busy share of the ticks between two samples', () => {
    expect(cpuPercent({ idle: 100, total: 200 }, { idle: 175, total: 300 })).toBe(25);
  });
  it('is the since-boot average without a previous sample', () => {
    expect(cpuPercent(undefined, { idle: 80, total: 200 })).toBe(60);
  });
  it('is 0 when no ticks elapsed, never NaN', () => {
    expect(cpuPercent({ idle: 5, total: 10 }, { idle: 5, total: 10 })).toBe(0);
  });
  it('sums os.cpus() times across cores', () => {
    const core = { model: 'x', speed: 1, times: { user: 30, nice: 0, sys: 10, idle: 50, irq: 10 } };
    expect(cpuTimesFromOs([core, core])).toEqual({ idle: 100, total: 200 });
    expect(cpuTimesFromOs([])).toBeUndefined();
  });
});

describe('parseNetDev', () => {
  it('reads rx/tx bytes of every interface, skipping the two header lines', () => {
    expect(parseNetDev(NET_DEV)).toEqual([
      { iface: 'lo', rxBytes: 3193, txBytes: 3193 },
      { iface: 'eth0', rxBytes: 189742606, txBytes: 503608 },
      { iface: 'wlan0', rxBytes: 1000, txBytes: 2000 },
    ]);
  });
  it('skips truncated or malformed lines', () => {
    expect(parseNetDev('eth0: 1 2 3\nbad line\n: 1 2 3 4 5 6 7 8 9\n')).toEqual([]);
  });
});

describe('netRatesMbps', () => {
  const prev = [
    { iface: 'lo', rxBytes: 0, txBytes: 0 },
    { iface: 'eth0', rxBytes: 1_000_000, txBytes: 0 },
    { iface: 'eth1', rxBytes: 500, txBytes: 900 },
  ];
  it('sums non-loopback byte deltas into megabits per second', () => {
    const cur = [
      { iface: 'lo', rxBytes: 9e9, txBytes: 9e9 },
      { iface: 'eth0', rxBytes: 1_000_000 + 12_500_000, txBytes: 1_250_000 },
      { iface: 'eth1', rxBytes: 500, txBytes: 900 },
    ];
    // 12.5 MB in 2 s = 100 Mbit / 2 s = 50 Mbps; 1.25 MB in 2 s = 5 Mbps.
    expect(netRatesMbps(prev, cur, 2000)).toEqual({ rx: 50, tx: 5 });
  });
  it('counts a reset counter or a new interface as 0 instead of a negative or a spike', () => {
    const cur = [
      { iface: 'eth0', rxBytes: 10, txBytes: 0 },
      { iface: 'eth9', rxBytes: 9e12, txBytes: 9e12 },
    ];
    expect(netRatesMbps(prev, cur, 1000)).toEqual({ rx: 0, tx: 0 });
  });
  it('is 0 for a zero or negative interval', () => {
    expect(netRatesMbps(prev, prev, 0)).toEqual({ rx: 0, tx: 0 });
  });
  it('honours a custom interface filter', () => {
    const cur = [{ iface: 'eth1', rxBytes: 500 + 125_000, txBytes: 900 }];
    expect(netRatesMbps(prev, cur, 1000, (i) => i === 'eth1')).toEqual({ rx: 1, tx: 0 });
    expect(netRatesMbps(prev, cur, 1000, () => false)).toEqual({ rx: 0, tx: 0 });
  });
});

describe('parseMilliCelsius', () => {
  it('converts sysfs millidegrees', () => {
    expect(parseMilliCelsius('45500\n')).toBe(45.5);
  });
  it('refuses unconnected-sensor values and non-numbers', () => {
    for (const t of ['0', '-273000', '255000', 'N/A', '', '45.5']) expect(parseMilliCelsius(t)).toBeUndefined();
  });
});

/** Writes a fake /proc + /sys tree; returns its root. */
function fixtureTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fleetwire-sys-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  roots.push(root);
  return root;
}
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('findCpuTempFile', () => {
  it('prefers a CPU hwmon driver over thermal zones and ignores board sensors', async () => {
    const root = fixtureTree({
      'sys/class/hwmon/hwmon0/name': 'acpitz\n',
      'sys/class/hwmon/hwmon0/temp1_input': '27800\n',
      'sys/class/hwmon/hwmon1/name': 'k10temp\n',
      'sys/class/hwmon/hwmon1/temp1_input': '51250\n',
      'sys/class/thermal/thermal_zone0/type': 'x86_pkg_temp\n',
      'sys/class/thermal/thermal_zone0/temp': '60000\n',
    });
    expect(await findCpuTempFile(root)).toBe(join(root, 'sys/class/hwmon/hwmon1/temp1_input'));
  });
  it('falls back to a CPU-typed thermal zone, skipping acpitz and dead sensors', async () => {
    const root = fixtureTree({
      'sys/class/thermal/thermal_zone0/type': 'acpitz\n',
      'sys/class/thermal/thermal_zone0/temp': '27800\n',
      'sys/class/thermal/thermal_zone1/type': 'cpu-thermal\n',
      'sys/class/thermal/thermal_zone1/temp': '0\n',
      'sys/class/thermal/thermal_zone2/type': 'x86_pkg_temp\n',
      'sys/class/thermal/thermal_zone2/temp': '48000\n',
    });
    expect(await findCpuTempFile(root)).toBe(join(root, 'sys/class/thermal/thermal_zone2/temp'));
  });
  it('finds nothing when only board sensors exist or /sys is absent', async () => {
    const root = fixtureTree({
      'sys/class/thermal/thermal_zone0/type': 'acpitz\n',
      'sys/class/thermal/thermal_zone0/temp': '27800\n',
    });
    expect(await findCpuTempFile(root)).toBeUndefined();
    expect(await findCpuTempFile(join(root, 'nowhere'))).toBeUndefined();
  });
});

describe('createSystemMetricsProvider on a fixture tree', () => {
  it('computes CPU and network deltas between calls and reads the CPU temperature', async () => {
    const root = fixtureTree({
      'proc/stat': 'cpu  100 0 0 100 0 0 0 0\n',
      'proc/net/dev': 'h|\nh|\n lo: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n eth0: 1000 0 0 0 0 0 0 0 2000 0 0 0 0 0 0 0\n',
      'sys/class/hwmon/hwmon0/name': 'coretemp\n',
      'sys/class/hwmon/hwmon0/temp1_input': '55000\n',
    });
    const provider = createSystemMetricsProvider({ sysRoot: root, gpu: { command: join(root, 'no-nvidia-smi') } });
    const first = await provider();
    expect(first.cpuUsagePercent).toBe(50); // since boot: 100 busy of 200
    expect(first.networkRxMbps).toBe(0);
    expect(first.networkTxMbps).toBe(0);
    expect(first.cpuTemp).toBe(55);
    expect(first.gpuTemp).toEqual([]);
    expect(provider.sources).toMatchObject({ cpu: '/proc/stat', network: '/proc/net/dev', gpu: 'absent' });

    writeFileSync(join(root, 'proc/stat'), 'cpu  190 0 0 110 0 0 0 0\n'); // +90 busy, +10 idle
    writeFileSync(join(root, 'proc/net/dev'), 'h|\nh|\n lo: 9999999 0 0 0 0 0 0 0 9999999 0 0 0 0 0 0 0\n eth0: 1001000 0 0 0 0 0 0 0 2000 0 0 0 0 0 0 0\n');
    writeFileSync(join(root, 'sys/class/hwmon/hwmon0/temp1_input'), '61500\n');
    const second = await provider();
    expect(second.cpuUsagePercent).toBe(90);
    expect(second.networkRxMbps).toBeGreaterThan(0); // 1 MB over the (real, short) elapsed time
    expect(second.networkTxMbps).toBe(0);
    expect(second.cpuTemp).toBe(61.5);
    expect(fleetValidators.heartbeat.check({ nodeId: 'x', status: 'online', metrics: second })).toBe(true);
  });

  it.skipIf(process.platform === 'win32')('carries nvidia-smi figures into the heartbeat when the tool answers', async () => {
    const root = fixtureTree({ 'bin/nvidia-smi': "#!/bin/sh\nprintf '71, 99, 40000\\n[N/A], 5, 10\\n'\n" });
    chmodSync(join(root, 'bin/nvidia-smi'), 0o755);
    const provider = createSystemMetricsProvider({ sysRoot: root, gpu: { command: join(root, 'bin/nvidia-smi') } });
    const m = await provider();
    expect([m.gpuTemp, m.gpuUtilization, m.gpuMemoryUsedMb]).toEqual([[71], [99], [40000]]);
    expect(provider.sources.gpu).toBe('nvidia-smi');
  });

  it('omits cpuTemp and falls back to os.cpus() when /proc and /sys are unreadable', async () => {
    const root = fixtureTree({});
    const provider = createSystemMetricsProvider({ sysRoot: root, gpu: { command: join(root, 'no-nvidia-smi') } });
    const m = await provider();
    expect('cpuTemp' in m).toBe(false);
    expect(m.networkRxMbps).toBe(0);
    expect(provider.sources).toMatchObject({ cpu: 'os.cpus()', cpuTemp: 'unavailable', network: 'unavailable (reported as 0)' });
    expect(fleetValidators.heartbeat.check({ nodeId: 'x', status: 'online', metrics: m })).toBe(true);
  });

  it('rejects with the path when the disk cannot be read', async () => {
    const provider = createSystemMetricsProvider({ diskPath: '/definitely/not/here', gpu: { command: '/no-nvidia-smi' } });
    await expect(provider()).rejects.toMatchObject({
      code: ErrorCodes.FW_HANDLER_FAILED,
      message: expect.stringContaining('cannot read disk usage of /definitely/not/here'),
    });
  });

  it('refuses an empty diskPath up front', () => {
    expect(() => createSystemMetricsProvider({ diskPath: '' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.FW_INVALID_ARGUMENT, message: expect.stringMatching(/options\.diskPath must be a non-empty path/) }),
    );
  });
});

describe('createSystemMetricsProvider on this machine', () => {
  it('returns real metrics that pass the heartbeat schema, twice', async () => {
    const provider = createSystemMetricsProvider();
    for (let i = 0; i < 2; i++) {
      const metrics = await provider();
      const heartbeat = { nodeId: 'x', status: 'online', metrics };
      expect(fleetValidators.heartbeat.explain(heartbeat)).toEqual([]);
      expect(fleetValidators.heartbeat.check(heartbeat)).toBe(true);
      expect(metrics.ramTotalMb).toBeGreaterThan(0);
      expect(metrics.ramUsageMb).toBeGreaterThan(0);
      expect(metrics.ramUsageMb).toBeLessThanOrEqual(metrics.ramTotalMb);
      expect(metrics.diskTotalGb).toBeGreaterThan(0);
      expect(metrics.diskUsageGb).toBeLessThanOrEqual(metrics.diskTotalGb);
      expect(metrics.cpuUsagePercent).toBeGreaterThanOrEqual(0);
      expect(metrics.cpuUsagePercent).toBeLessThanOrEqual(100);
      // GPU arrays are index-aligned per GPU, whatever this host has.
      expect(metrics.gpuUtilization).toHaveLength(metrics.gpuTemp.length);
      expect(metrics.gpuMemoryUsedMb).toHaveLength(metrics.gpuTemp.length);
    }
    if (process.platform === 'linux') expect(provider.sources.cpu).toBe('/proc/stat');
  });
});
