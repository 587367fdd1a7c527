/**
 * Source addresses when the user gave none: one source address reaches one
 * destination (address, port) through at most the ephemeral port range
 * (~28,000 ports here, /proc/sys/net/ipv4/ip_local_port_range). Past that,
 * agents fail with EADDRNOTAVAIL. For a loopback control plane every
 * 127.0.0.0/8 address is ours to bind, so the simulator picks as many as the
 * fleet needs (127.0.0.1, 127.0.0.2, …), the way emqtt-bench reaches 200k; for
 * a remote one it cannot know which addresses the host has, so it says what
 * to pass instead.
 */
import { readFileSync } from 'node:fs';

/** Linux's default range (32768–60999) when the kernel setting cannot be read. */
const DEFAULT_RANGE: [number, number] = [32768, 60999];

/** Ephemeral ports per (source, destination) pair on this machine. */
export function ephemeralPorts(read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')): number {
  try {
    const [lo, hi] = read().trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && hi! >= lo!) return hi! - lo! + 1;
  } catch {
    // not Linux, or no /proc: the default below
  }
  return DEFAULT_RANGE[1] - DEFAULT_RANGE[0] + 1;
}

/** True for a destination host every 127.0.0.0/8 source can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export type SourceChoice = { addresses: string[]; note: string | null } | { addresses: []; warning: string };

/**
 * The source addresses for `connections` sockets to the control plane at
 * `url` when the user passed none. Leaves 10 % of the ports for everything
 * else on the box (the backend's own connections, TIME_WAIT after reconnects).
 */
export function chooseSourceAddresses(connections: number, url: string, ports = ephemeralPorts()): SourceChoice {
  const usable = Math.floor(ports * 0.9);
  const needed = Math.ceil(connections / usable);
  if (needed <= 1) return { addresses: [], note: null };
  const host = new URL(url).hostname;
  if (!isLoopbackHost(host)) {
    return {
      addresses: [],
      warning: `${connections} connections to ${host} need ${needed} source addresses (one address has ~${usable} ephemeral ports): pass --source-addresses with ${needed} addresses of this host`,
    };
  }
  const addresses = Array.from({ length: needed }, (_, i) => `127.0.0.${i + 1}`);
  return { addresses, note: `${connections} connections need ${needed} source addresses (~${usable} ephemeral ports each): using ${addresses.join(',')}` };
}
