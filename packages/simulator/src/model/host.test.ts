import { describe, expect, it } from 'vitest';
import { HostModel, randomHostSpec, type HostSpec } from './host.js';
import { monitorMetrics, vstatsMetrics } from './host-dialects.js';
import { Rng } from './rng.js';
import { fleetValidators } from './sdk.js';

const spec = (gpuCount = 4): HostSpec => ({
  gpuCount,
  gpuMemoryTotalMb: 81920,
  gpuModel: 'test',
  cpuCores: 8,
  cpuBrand: 'test cpu',
  ramTotalMb: 65536,
  diskTotalGb: 2000,
  hostname: 'sim-0',
  ambientTempC: 30,
});

const run = (host: HostModel, seconds: number, stepMs = 1000): void => {
  for (let t = 0; t < seconds * 1000; t += stepMs) host.tick(stepMs);
};

describe('HostModel', () => {
  it('produces a valid fleet heartbeat (checked with the SDK validator)', () => {
    const host = new HostModel(new Rng(1), spec(2));
    run(host, 30);
    const hb = { nodeId: 'n1', status: host.fleetStatus(), metrics: host.fleetMetrics() };
    expect(fleetValidators.heartbeat.explain(hb)).toEqual([]);
    expect(hb.metrics.gpuTemp).toHaveLength(2);
    expect(hb.status).toBe('online');
  });

  it('rented GPUs rise in utilisation and memory at once, temperature follows with a lag; free GPUs stay idle', () => {
    const host = new HostModel(new Rng(2), spec(4));
    run(host, 60);
    expect(host.pinRental('r1', ['0', '2'])).toEqual({ ok: true });
    expect(host.fleetStatus()).toBe('busy');
    run(host, 10);
    const early = host.fleetMetrics();
    run(host, 170);
    const late = host.fleetMetrics();
    for (const i of [0, 2]) {
      expect(early.gpuUtilization[i]).toBeGreaterThan(30);
      expect(late.gpuUtilization[i]).toBeGreaterThan(45);
      expect(late.gpuMemoryUsedMb[i]).toBeGreaterThan(81920 * 0.25);
      // Temperature lags: after 10 s it is still well below where it settles.
      expect(late.gpuTemp[i]! - early.gpuTemp[i]!).toBeGreaterThan(5);
    }
    for (const i of [1, 3]) {
      expect(late.gpuUtilization[i]).toBeLessThanOrEqual(3);
      expect(late.gpuMemoryUsedMb[i]).toBeLessThan(1000);
    }
    host.releaseRental('r1');
    run(host, 300);
    const after = host.fleetMetrics();
    expect(after.gpuUtilization[0]).toBeLessThanOrEqual(3);
    expect(after.gpuMemoryUsedMb[0]).toBeLessThan(1000);
    expect(after.gpuTemp[0]).toBeLessThan(late.gpuTemp[0]! - 10);
    expect(host.fleetStatus()).toBe('online');
  });

  it('refuses a GPU index that does not exist, with a message; re-pinning is a no-op', () => {
    const host = new HostModel(new Rng(3), spec(2));
    const r = host.pinRental('r', ['5']);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/GPU index "5" does not exist on this host \(it has 2 GPUs/);
    expect(host.rentalCount).toBe(0);
    expect(host.pinRental('a', [0])).toEqual({ ok: true });
    expect(host.pinRental('a', [0])).toEqual({ ok: true });
    expect(host.rentalCount).toBe(1);
    expect(host.freeGpus()).toEqual([1]);
    host.releaseRental('unknown');
    expect(host.rentalCount).toBe(1);
  });

  it('draining reports maintenance', () => {
    const host = new HostModel(new Rng(3), spec(1));
    host.setDraining(true);
    expect(host.fleetStatus()).toBe('maintenance');
  });

  it('host drift stays within physical bounds over a long run', () => {
    const host = new HostModel(new Rng(4), spec(8));
    host.pinRental('x', [0, 1, 2, 3, 4, 5, 6, 7]);
    let prevRx = host.rxBytes;
    const bad: string[] = [];
    for (let step = 0; step < 24 * 720; step++) {
      host.tick(5000); // 24 h of 5 s heartbeats
      const m = host.fleetMetrics();
      if (m.cpuUsagePercent < 0 || m.cpuUsagePercent > 100) bad.push(`cpu ${m.cpuUsagePercent}`);
      if (m.ramUsageMb > m.ramTotalMb) bad.push(`ram ${m.ramUsageMb}`);
      if (m.diskUsageGb > m.diskTotalGb) bad.push(`disk ${m.diskUsageGb}`);
      if (m.networkRxMbps < 0) bad.push(`rx ${m.networkRxMbps}`);
      for (const t of m.gpuTemp) if (!(t > 25 && t < 100)) bad.push(`gpuTemp ${t}`);
      if (host.rxBytes < prevRx) bad.push('rx counter went backwards');
      prevRx = host.rxBytes;
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('same seed gives the same host and the same metric sequence', () => {
    const a = new HostModel(new Rng(9), randomHostSpec(new Rng(9), 4, 'h'));
    const b = new HostModel(new Rng(9), randomHostSpec(new Rng(9), 4, 'h'));
    a.pinRental('r', ['1']);
    b.pinRental('r', ['1']);
    for (let i = 0; i < 50; i++) {
      a.tick(5000);
      b.tick(5000);
      expect(a.fleetMetrics()).toEqual(b.fleetMetrics());
    }
  });

  it('rejects a nonsense GPU count up front', () => {
    expect(() => new HostModel(new Rng(1), spec(-1))).toThrow(/gpuCount must be an integer 0..64, got -1/);
  });
});

describe('dialect metrics', () => {
  it('monitor: disk_usage and network items have the agreed fields and consistent numbers', () => {
    const host = new HostModel(new Rng(6), spec(2));
    run(host, 20);
    const m = monitorMetrics(host);
    expect(Object.keys(m.disk_usage[0]!).sort()).toEqual(['mount', 'percent', 'total_bytes', 'used_bytes']);
    expect(Object.keys(m.network[0]!).sort()).toEqual(['interface', 'rx_bytes', 'tx_bytes']);
    const d = m.disk_usage[0]!;
    expect(d.percent).toBeCloseTo((d.used_bytes / d.total_bytes) * 100, 0);
    expect(m.memory_percent).toBeGreaterThan(0);
    expect(m.memory_percent).toBeLessThan(100);
  });

  it('vstats: a full system metrics report with per-core values, memory arithmetic and counters', () => {
    const host = new HostModel(new Rng(7), spec(2));
    run(host, 120);
    const v = vstatsMetrics(host, '2024-01-01T12:00:00.000Z');
    expect(v.timestamp).toBe('2024-01-01T12:00:00.000Z');
    expect(v.cpu.per_core).toHaveLength(8);
    expect(v.memory.used + v.memory.available).toBe(v.memory.total);
    expect(v.disks[0]!.used + v.disks[0]!.available).toBe(v.disks[0]!.total);
    expect(v.network.total_rx).toBe(v.network.interfaces[0]!.rx);
    expect(v.load_average.one).toBeGreaterThan(0);
    expect(v.uptime).toBeGreaterThan(3600);
    // Reporting does not draw from the RNG: the next tick is unaffected.
    const twin = new HostModel(new Rng(7), spec(2));
    run(twin, 120);
    host.tick(1000);
    twin.tick(1000);
    expect(host.fleetMetrics()).toEqual(twin.fleetMetrics());
  });
});
