/**
 * Message builders for the `vstats` agent (docs/protocols/vstats.md): the
 * full metrics report and the heartbeat, both `{type, data?, timestamp}`.
 */
import { round1, type HostModel } from './host.ts';

export function vstatsMetrics(host: HostModel, now: Date = new Date()) {
  const s = host.state;
  const p = host.profile;
  const ts = now.toISOString();
  const memTotal = p.ramTotalMb * 1048576;
  const memUsed = Math.round(s.ramUsedMb * 1048576);
  const swapTotal = 4294967296;
  const diskTotal = p.diskTotalGb * 1e9;
  const diskUsed = Math.round(s.diskUsedGb * 1e9);
  return {
    type: 'metrics' as const,
    data: {
      timestamp: ts,
      hostname: p.hostname,
      os: { name: 'Ubuntu', version: '22.04', kernel: '5.15.0-105-generic', arch: 'x86_64' },
      cpu: { brand: p.cpuBrand, cores: p.cpuCores, usage: round1(s.cpuPercent), frequency: 3000, per_core: s.perCore.slice() },
      memory: {
        total: memTotal,
        used: memUsed,
        available: memTotal - memUsed,
        swap_total: swapTotal,
        swap_used: Math.round(swapTotal * 0.05),
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
      network: { interfaces: [{ name: 'eth0', rx: s.rxBytes, tx: s.txBytes }], total_rx: s.rxBytes, total_tx: s.txBytes },
      uptime: Math.floor(s.uptimeS),
      load_average: { one: round1(s.load1), five: round1(s.load5), fifteen: round1(s.load15) },
    },
    timestamp: ts,
  };
}

export function vstatsHeartbeat(now: Date = new Date()) {
  return { type: 'heartbeat' as const, timestamp: now.toISOString() };
}
