/** A metrics report in the full vstats.md shape (values from the document's example). */
export const sampleReport = (over: Record<string, unknown> = {}) => ({
  timestamp: '2024-01-01T12:00:00Z',
  hostname: 'my-server',
  os: { name: 'Ubuntu', version: '22.04', kernel: '5.15.0', arch: 'x86_64' },
  cpu: { brand: 'Intel Core i7', cores: 8, usage: 45.2, frequency: 3600, per_core: [40, 50, 45, 42, 48, 46, 44, 47] },
  memory: { total: 17179869184, used: 8589934592, available: 8589934592, swap_total: 4294967296, swap_used: 1073741824, usage_percent: 50.0 },
  disks: [{ name: 'sda1', mount_point: '/', fs_type: 'ext4', total: 107374182400, used: 53687091200, available: 53687091200, usage_percent: 50.0 }],
  network: { interfaces: [{ name: 'eth0', rx: 1073741824, tx: 536870912 }], total_rx: 1073741824, total_tx: 536870912 },
  uptime: 86400,
  load_average: { one: 0.5, five: 0.7, fifteen: 0.6 },
  ...over,
});
