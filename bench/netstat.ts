/**
 * The kernel's listen-queue counters (TcpExt ListenOverflows / ListenDrops in
 * /proc/net/netstat, what `nstat -az TcpExtListenOverflows` shows): SYNs or
 * completed handshakes dropped because an accept queue was full. Box-wide, so
 * other traffic on the box shows too; read before and after, report the difference.
 */
import { readFile } from 'node:fs/promises';

/** ListenOverflows + ListenDrops now, or null when /proc/net/netstat cannot be read (not Linux, no /proc). */
export async function synOverflows(): Promise<{ overflows: number; drops: number } | null> {
  try {
    const lines = (await readFile('/proc/net/netstat', 'utf8')).split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0]!.split(/\s+/);
    const values = lines[1]!.split(/\s+/).map(Number);
    const get = (n: string) => values[names.indexOf(n)] ?? 0;
    return { overflows: get('ListenOverflows'), drops: get('ListenDrops') };
  } catch {
    return null;
  }
}
