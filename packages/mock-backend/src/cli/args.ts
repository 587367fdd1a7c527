/**
 * fleetwire-mock's flags (yargs) → what to do. Pure: no ports bound, no files
 * read, so the parsing and its error messages are tested without a process.
 */
import yargs from 'yargs';
import type { MockBackendOptions } from '../backend.js';
import { DEFAULT_PORTS, type PortName } from '../ports.js';

/** A bad command line: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type CliCommand =
  | { kind: 'generate-keys'; count: number; out: string }
  | { kind: 'serve'; options: MockBackendOptions; keysFile: string | null; json: boolean; verbose: boolean };

const PORT_FLAGS: Record<string, PortName> = {
  'fleet-port': 'fleet',
  'control-plane-port': 'controlPlane',
  'vstats-port': 'vstats',
  'lightd-port': 'lightd',
  'monitor-port': 'monitor',
  'admin-port': 'admin',
};

export function buildParser(argv: string[]) {
  let y = yargs(argv)
    .scriptName('fleetwire-mock')
    .usage('$0 [options]\n\nRuns the fleetwire mock control plane: all five dialects, the admin API, /metrics and a live status page.')
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind' })
    .option('ephemeral', { type: 'boolean', default: false, describe: 'Every port not given explicitly is ephemeral (port 0); see the printed URLs' });
  for (const [flag, name] of Object.entries(PORT_FLAGS)) {
    y = y.option(flag, { type: 'number', describe: `Port of ${name} (default ${DEFAULT_PORTS[name]}; 0 = ephemeral)` });
  }
  return y
    .option('keys', { type: 'string', describe: 'File of accepted API keys, one per line (fleet, monitor, vstats). Default: the dev key' })
    .option('generate-keys', { type: 'number', describe: 'Write N fresh API keys to --out and exit' })
    .option('out', { type: 'string', describe: 'Where --generate-keys writes' })
    .option('admin-token', { type: 'string', describe: 'Bearer token for the admin API. Default: random, printed at start' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the endpoints and credentials as one JSON line' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Log connections and protocol errors' })
    .option('backlog', { type: 'number', describe: 'Accept-queue length of every listening socket (default 4096, sized for a reconnect storm; the kernel caps it at /proc/sys/net/core/somaxconn)' })
    .option('allowed-origins', { type: 'string', describe: 'vstats dashboards: comma-separated Origins allowed to connect (others get 403). Default: any origin' })
    .example('$0', 'every dialect on its default port, admin API and status page on http://127.0.0.1:3100/')
    .example('$0 --ephemeral --json', 'all on free ports; one JSON line with the URLs and credentials (for scripts and CI)')
    .example('$0 --generate-keys 1000 --out keys.txt', 'write 1,000 API keys (one per simulated agent) and exit')
    .example('$0 --keys keys.txt --fleet-port 4000', 'accept those keys; fleet and control-plane on 4000')
    .epilog('Stop with Ctrl-C (SIGINT) or SIGTERM: clients get a proper close, exit code 0. Bad flags exit 2.')
    .strict()
    .version(false)
    .help()
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg || err?.message || 'invalid arguments');
    });
}

/** Parses argv (without node and script). Throws UsageError on bad flags; returns null for --help. */
export async function parseArgs(argv: string[]): Promise<CliCommand | null> {
  const parser = buildParser(argv);
  const a = (await parser.parseAsync()) as Record<string, unknown>;
  if (a.help) return null;
  if (a._ && (a._ as unknown[]).length > 0) throw new UsageError(`unexpected argument: ${(a._ as unknown[]).join(' ')}`);

  if (a['generate-keys'] !== undefined) {
    const n = a['generate-keys'] as number;
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`--generate-keys needs a whole number from 1 to 1000000, got ${String(n)}`);
    if (typeof a.out !== 'string' || !a.out) throw new UsageError('--generate-keys needs --out FILE (where to write the keys)');
    return { kind: 'generate-keys', count: n, out: a.out };
  }
  if (a.out !== undefined) throw new UsageError('--out is only used with --generate-keys');

  const ports: Partial<Record<PortName, number>> = {};
  for (const [flag, name] of Object.entries(PORT_FLAGS)) {
    const v = a[flag];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) throw new UsageError(`--${flag} must be a port from 0 to 65535, got ${String(v)}`);
    ports[name] = v;
  }
  if (a.keys !== undefined && (typeof a.keys !== 'string' || !a.keys)) throw new UsageError('--keys needs a FILE');
  if (a['admin-token'] !== undefined && (typeof a['admin-token'] !== 'string' || (a['admin-token'] as string).length < 8)) {
    throw new UsageError('--admin-token must be at least 8 characters');
  }
  const backlog = a.backlog;
  if (backlog !== undefined && (typeof backlog !== 'number' || !Number.isInteger(backlog) || backlog < 1 || backlog > 65535)) {
    throw new UsageError(`--backlog must be a whole number from 1 to 65535, got ${String(backlog)}`);
  }
  const origins = a['allowed-origins'];
  let allowedOrigins: string[] | undefined;
  if (origins !== undefined) {
    allowedOrigins = typeof origins === 'string' ? origins.split(',').map((o) => o.trim()).filter(Boolean) : [];
    if (allowedOrigins.length === 0) throw new UsageError('--allowed-origins needs at least one origin, e.g. --allowed-origins http://localhost:5173');
    for (const o of allowedOrigins) {
      let ok = false;
      try {
        ok = new URL(o).origin === o;
      } catch {
        ok = false;
      }
      if (!ok) throw new UsageError(`--allowed-origins: ${JSON.stringify(o)} is not an origin (scheme://host[:port], no path or trailing slash)`);
    }
  }
  return {
    kind: 'serve',
    options: {
      host: a.host as string,
      ephemeral: a.ephemeral as boolean,
      ports,
      ...(backlog !== undefined ? { backlog: backlog as number } : {}),
      ...(allowedOrigins ? { vstatsAllowedOrigins: allowedOrigins } : {}),
      ...(a['admin-token'] ? { adminToken: a['admin-token'] as string } : {}),
    },
    keysFile: (a.keys as string | undefined) ?? null,
    json: a.json as boolean,
    verbose: a.verbose as boolean,
  };
}
