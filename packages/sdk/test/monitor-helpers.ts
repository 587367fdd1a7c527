/** Shared setup of the monitor socket tests: a real server on port 0 and clients that clean up after themselves. */
import { afterEach } from 'vitest';
import { KeyStore } from '../../mock-backend/src/keys.js';
import { startMonitorServer, type RunningMonitorServer, type MonitorState } from '../../mock-backend/src/monitor/index.js';
import { MonitorAgent, type MonitorAgentOptions, type MonitorStreamOptions, MonitorMetricsStream, MonitorLogStream } from '../src/protocols/monitor/index.js';

export const KEY_A = 'monitor-key-a';
export const KEY_B = 'monitor-key-b';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

export async function monitorServer(port = 0, state?: MonitorState): Promise<RunningMonitorServer> {
  const s = await startMonitorServer({ port, keys: new KeyStore([KEY_A, KEY_B]), state, record: true, alertCpuPercent: 90 });
  let closed = false;
  const close = s.close.bind(s);
  s.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  cleanups.push(() => s.close());
  return s;
}

export const body = (cpu = 45.2) => ({
  cpu_percent: cpu,
  memory_percent: 62.5,
  disk_usage: [{ mount: '/', total_bytes: 100e9, used_bytes: 42e9, percent: 42 }],
  network: [{ interface: 'eth0', rx_bytes: 1024, tx_bytes: 2048 }],
});

export function monitorAgent(s: { url: string }, over: Partial<MonitorAgentOptions> = {}): MonitorAgent {
  const a = new MonitorAgent({
    url: s.url,
    apiKey: KEY_A,
    metrics: () => body(),
    metricsIntervalMs: 60_000,
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
    ...over,
  });
  cleanups.push(() => a.close());
  return a;
}

export function stream<T extends MonitorMetricsStream | MonitorLogStream>(
  Kind: new (o: MonitorStreamOptions) => T,
  s: { url: string },
  over: Partial<MonitorStreamOptions> & Pick<MonitorStreamOptions, 'serverId' | 'token'>,
): T {
  const st = new Kind({ url: s.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 }, ...over });
  cleanups.push(() => st.close());
  return st;
}

export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}
