/**
 * Where agents' sockets come from (their source address and port).
 *
 * Up to ~12,000 connections to one destination the kernel picks: no bind, the
 * cheapest path. Past that its choice turns into a scan per connect() (Linux
 * takes even ports first and walks the whole even half once it is full;
 * src/transport/source-pool.ts has the figures), and past the ephemeral range
 * (~28,000 ports here, /proc/sys/net/ipv4/ip_local_port_range) agents fail
 * with EADDRNOTAVAIL. So past ~12,000 the simulator binds every socket to an
 * (address, port) pair of its own (SourcePool): ports below the ephemeral
 * range, two per agent, on as many addresses as that takes.
 *
 * For a loopback control plane every 127.0.0.0/8 address is ours to bind, so
 * the simulator picks them (127.0.0.2, 127.0.0.3, …; 127.0.0.1 stays the box's
 * own), the way emqtt-bench reaches 200k; for a remote one it cannot know
 * which addresses the host has, so it says what to pass instead.
 */
import { readFileSync } from 'node:fs';
import type { SourcePairs } from '../transport/source-pool.js';

/** Linux's default range (32768–60999) when the kernel setting cannot be read. */
const DEFAULT_RANGE: [number, number] = [32768, 60999];

/** The lowest source port the simulator binds itself: clear of the well-known and registered ports most services listen on. */
export const LOWEST_SOURCE_PORT = 10_000;

/** The kernel's ephemeral port range [lo, hi] on this machine. */
export function ephemeralRange(read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')): [number, number] {
  try {
    const [lo, hi] = read().trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi) && hi! >= lo! && lo! >= 1) return [lo!, hi!];
  } catch {
    // not Linux, or no /proc: the default below
  }
  return [...DEFAULT_RANGE];
}

/**
 * The ports the simulator binds itself: those between LOWEST_SOURCE_PORT and
 * the ephemeral range, so that the kernel's own choices (everyone else's
 * connect()) never run short because of us; the ephemeral range itself when
 * the gap below it is too small to matter (< 4,096 ports).
 */
export function sourcePortRange(ephemeral: [number, number] = ephemeralRange()): [number, number] {
  const below: [number, number] = [LOWEST_SOURCE_PORT, ephemeral[0] - 1];
  return below[1] - below[0] + 1 >= 4096 ? below : ephemeral;
}

/**
 * Connections to one destination the kernel's own port choice serves cheaply:
 * 85 % of the even half of the ephemeral range (~12,000 here).
 */
export function cheapConnections(ephemeral: [number, number] = ephemeralRange()): number {
  return Math.floor(((ephemeral[1] - ephemeral[0] + 1) / 2) * 0.85);
}

/** True for a destination host every 127.0.0.0/8 source can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** 127.0.0.0/8 address number n (n ≥ 1): 127.0.0.n for n < 256, then 127.0.1.0 … */
export function loopbackAddress(n: number): string {
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export type SourceChoice = { pairs: SourcePairs | null; note: string | null } | { pairs: null; warning: string };

/**
 * The source pairs for `connections` sockets to the control plane at `url`.
 * `given`: the user's --source-addresses (used as they are, with our ports);
 * empty: chosen here for a loopback control plane past cheapConnections.
 */
export function chooseSourcePairs(connections: number, url: string, given: readonly string[] = [], ephemeral: [number, number] = ephemeralRange()): SourceChoice {
  const ports = sourcePortRange(ephemeral);
  const perAddress = ports[1] - ports[0] + 1;
  const needed = Math.ceil((2 * connections) / perAddress);
  if (given.length > 0) {
    const note = needed > given.length ? `${connections} connections would want ${needed} source addresses for two ports each (${perAddress} ports per address); with ${given.length}, slices may share a pair (a failed connect then retries)` : null;
    return { pairs: { addresses: [...given], ports }, note };
  }
  if (connections <= cheapConnections(ephemeral)) return { pairs: null, note: null };
  const host = new URL(url).hostname;
  if (!isLoopbackHost(host)) {
    const usable = Math.floor((ephemeral[1] - ephemeral[0] + 1) * 0.9);
    const hard = Math.ceil(connections / usable);
    return {
      pairs: null,
      warning:
        hard > 1
          ? `${connections} connections to ${host} need ${hard} source addresses (one address has ~${usable} ephemeral ports): pass --source-addresses with ${hard} addresses of this host`
          : `${connections} connections to ${host} from one address: past ~${cheapConnections(ephemeral)} the kernel scans its port range on every connect (slow ramps, high system time); pass --source-addresses (addresses of this host) to bind ports of our own`,
    };
  }
  const addresses = Array.from({ length: needed }, (_, i) => loopbackAddress(i + 2));
  const shown = addresses.length > 3 ? `${addresses[0]}–${addresses[addresses.length - 1]}` : addresses.join(',');
  return { pairs: { addresses, ports }, note: `${connections} connections: binding source ports ${ports[0]}–${ports[1]} on ${shown} (${needed} address${needed === 1 ? '' : 'es'}, two ports per agent)` };
}
