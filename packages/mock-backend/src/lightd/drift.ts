/**
 * lightd stats that change by themselves: every `intervalMs`, each running
 * container's CPU and memory wander and its network and block counters grow,
 * so a console client sees a live `stats` stream without anyone pushing one.
 * (The dialect sends `stats` only when a value changed; these always change.)
 */
import type { LightdState } from '../state/lightd.js';

/** Starts the drift; returns a function that stops it. 0 or less: off. The timer never keeps the process alive. */
export function startStatsDrift(state: LightdState, intervalMs: number): () => void {
  if (!(intervalMs > 0)) return () => undefined;
  const timer = setInterval(() => {
    for (const c of state.containers.values()) {
      if (c.state !== 'running') continue;
      const s = c.stats;
      const wander = (v: number, lo: number, hi: number, step: number) => Math.min(hi, Math.max(lo, v + (Math.random() * 2 - 1) * step));
      const cpu = wander(s.cpu_usage || 10, 0.5, 100, 8);
      const mem = Math.round(wander(s.memory_usage || s.memory_limit * 0.25, s.memory_limit * 0.05, s.memory_limit * 0.95, s.memory_limit * 0.02));
      c.setStats({
        cpu_usage: Math.round(cpu * 100) / 100,
        memory_usage: mem,
        network_rx: s.network_rx + Math.round(Math.random() * 20_000) + 1,
        network_tx: s.network_tx + Math.round(Math.random() * 10_000) + 1,
        block_read: s.block_read + Math.round(Math.random() * 4096),
        block_write: s.block_write + Math.round(Math.random() * 8192),
      });
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
