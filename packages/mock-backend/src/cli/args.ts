/**
 * fleetwire-mock's flags (yargs) → what to do. Pure: no ports bound, no files
 * read, so the parsing and its error messages are tested without a process.
 * Imports nothing heavy (no socket.io, no sdk): `--help` answers at once.
 */
import { availableParallelism } from 'node:os';
import yargs from 'yargs';
import type { MockBackendOptions } from '../backend.js';
import { DEFAULT_PORTS, type PortName } from './port-defaults.js';

/** A bad command line: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What `serve` needs besides the backend options. */
export interface ServeCommand {
  kind: 'serve';
  options: MockBackendOptions;
  keysFile: string | null;
  json: boolean;
  verbose: boolean;
  /** Write this process's pid here at start, remove it at exit. */
  pidFile: string | null;
  /** Exit when the parent process goes away (npm run mock & … kill $!). */
  exitWithParent: boolean;
  /** `--workers`: how many node:cluster worker processes; null = one process (the default). */
  workers: number | null;
  /** `--redis-url`: share Socket.IO rooms, commands and the control-plane stream with every mock on this Redis. */
  redisUrl: string | null;
}

/** Most workers `--workers` accepts (one per core is the useful range; this only catches typos). */
export const MAX_WORKERS = 64;

export type CliCommand = { kind: 'generate-keys'; count: number; out: string } | ServeCommand;

const PORT_FLAGS: Record<string, PortName> = {
  'fleet-port': 'fleet',
  'control-plane-port': 'controlPlane',
  'vstats-port': 'vstats',
  'lightd-port': 'lightd',
  'monitor-port': 'monitor',
  'admin-port': 'admin',
};

const SHARES: Partial<Record<PortName, string>> = { fleet: ' (moves control-plane too unless --control-plane-port is given)', controlPlane: ' (moves fleet too unless --fleet-port is given)' };

export function buildParser(argv: string[]) {
  let y = yargs(argv)
    .scriptName('fleetwire-mock')
    .usage('$0 [options]\n\nRuns the fleetwire mock control plane: all five dialects, the admin API, /metrics and a live status page.')
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to bind' })
    .option('ephemeral', { type: 'boolean', describe: 'Every port not given explicitly is ephemeral (port 0); see the printed URLs. Implied when any given port is 0' });
  for (const [flag, name] of Object.entries(PORT_FLAGS)) {
    y = y.option(flag, { type: 'string', requiresArg: true, describe: `Port of ${name} (default ${DEFAULT_PORTS[name]}; 0 = ephemeral)${SHARES[name] ?? ''}` });
  }
  return y
    .option('keys', { type: 'string', describe: 'File of accepted API keys, one per line (fleet, monitor, vstats). Default: dev mode, the dev key and per-node dev-<nodeId> keys' })
    .option('generate-keys', { type: 'string', requiresArg: true, describe: 'Write N fresh API keys to --out and exit' })
    .option('out', { type: 'string', describe: 'Where --generate-keys writes' })
    .option('admin-token', { type: 'string', describe: 'Bearer token for the admin API. Default: random, printed at start' })
    .option('control-plane-token', { type: 'string', array: true, requiresArg: true, describe: 'Require ?token=TOKEN on the control-plane /ws (repeatable). Default: no token needed' })
    .option('vstats-ping-interval', { type: 'string', requiresArg: true, describe: 'How often vstats pings each peer (a peer that misses a pong is dropped): 30s, 500ms. Default 30s' })
    .option('fleet-ping-interval', { type: 'string', requiresArg: true, describe: "Socket.IO's pingInterval on the fleet port: how often each agent is pinged (a ping is a frame each way per agent). Default 25s; fleets of 100,000 on one box want 60s or more" })
    .option('ws-ping-interval', { type: 'string', requiresArg: true, describe: 'Ping period of the control-plane /ws (and vstats unless --vstats-ping-interval). Default 30s' })
    .option('lightd-stats-interval', { type: 'string', requiresArg: true, describe: 'Running lightd containers change their stats by themselves this often: 2s; 0 = only when pushed. Default 2s' })
    .option('heartbeat-throttle', { type: 'string', requiresArg: true, describe: 'control-plane: at most one agent:heartbeat per node per this long. Default 30s' })
    .option('pid-file', { type: 'string', requiresArg: true, describe: 'Write the pid here at start (removed at exit): kill "$(cat FILE)" stops the mock' })
    .option('exit-with-parent', { type: 'boolean', default: true, describe: 'Exit when the parent process exits (so `npm run mock &` then `kill $!` stops it); --no-exit-with-parent to detach' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the endpoints and credentials as one JSON line' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Log connections and protocol errors' })
    .option('backlog', { type: 'number', describe: 'Accept-queue length of every listening socket (default 4096, sized for a reconnect storm; the kernel caps it at /proc/sys/net/core/somaxconn)' })
    .option('state-file', { type: 'string', describe: 'Keep the fleet state (nodes, rentals, lifecycle facts) in FILE across graceful restarts (written on SIGTERM/SIGINT, read at start; a SIGKILL writes nothing)' })
    .option('shutdown-grace', { type: 'string', requiresArg: true, describe: 'On SIGTERM/SIGINT, how long clients get to close cleanly before every socket still open (a silent or half-open peer included) is destroyed: 5s, 500ms; 0 = destroy at once. Default 5s' })
    .option('workers', {
      type: 'string',
      describe:
        'Run N worker processes behind the same ports (node:cluster; each its own open-file table). `--workers` alone or `--workers auto`: one per core. ' +
        'Default: one process. Fleet is websocket-only in this mode (no long-polling: no sticky sessions needed)',
    })
    .option('redis-url', {
      type: 'string',
      requiresArg: true,
      describe:
        'Share Socket.IO rooms and commands (admin commands reach a node on any mock) and the control-plane stream with every mock using this Redis (redis://host:6379). ' +
        'The fleet state (nodes, rentals, facts) stays per mock process: see the README',
    })
    .option('allowed-origins', { type: 'string', describe: 'vstats dashboards: comma-separated Origins allowed to connect (others get 403). Default: any origin' })
    .example('$0', 'every dialect on its default port, admin API and status page on http://127.0.0.1:3100/')
    .example('$0 --ephemeral --json', 'all on free ports; one JSON line with the URLs and credentials (for scripts and CI)')
    .example('$0 --generate-keys 1000 --out keys.txt', 'write 1,000 API keys (one per simulated agent) and exit')
    .example('$0 --keys keys.txt --fleet-port 4000', 'accept those keys; fleet and control-plane on 4000')
    .example('$0 --workers auto', 'one worker process per core behind the same ports (fleet state, /metrics and admin commands span all of them)')
    .example('$0 --workers 2 --redis-url redis://10.0.0.5:6379', 'this machine\'s workers and every other mock on that Redis reach each other\'s nodes')
    .example('$0 --control-plane-token s3cret --vstats-ping-interval 5s', 'a required control-plane token; vstats pings every 5 s')
    .epilog(
      'Stop with Ctrl-C (SIGINT) or SIGTERM: clients get a proper close within --shutdown-grace (then their sockets are destroyed), exit code 0. It also exits when its parent does ' +
        '(`npm run mock &` then `kill $!` stops it). Bad flags and an unreadable --keys file exit 2; a port that is taken exits 1.',
    )
    .strict()
    .version(false)
    .help()
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg || err?.message || 'invalid arguments');
    });
}

/** A port flag's text → the port; a message naming the flag and what it got otherwise. */
function portOf(flag: string, v: unknown): number {
  const text = Array.isArray(v) ? String(v[v.length - 1]) : String(v);
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65535) throw new UsageError(`--${flag} must be a port from 0 to 65535 (0 = ephemeral), got "${text}"`);
  return Number(text);
}

/** `30s`, `500ms`, `2m`, or a bare number of ms → ms. */
export function durationOf(flag: string, v: unknown, min: number): number {
  const text = String(Array.isArray(v) ? v[v.length - 1] : v).trim();
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  const ms = m ? Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1) : NaN;
  if (!(ms >= min)) throw new UsageError(`--${flag} must be a duration like 30s, 500ms or 2m${min > 0 ? ` (at least ${min} ms)` : ''}, got "${text}"`);
  return Math.round(ms);
}

/** Parses argv (without node and script). Throws UsageError on bad flags; returns null for --help. */
export async function parseArgs(argv: string[]): Promise<CliCommand | null> {
  const parser = buildParser(argv);
  const a = (await parser.parseAsync()) as Record<string, unknown>;
  if (a.help) return null;
  if (a._ && (a._ as unknown[]).length > 0) throw new UsageError(`unexpected argument: ${(a._ as unknown[]).join(' ')}`);

  if (a['generate-keys'] !== undefined) {
    const text = String(a['generate-keys']);
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new UsageError(`--generate-keys needs a whole number from 1 to 1000000, got "${text}"`);
    if (typeof a.out !== 'string' || !a.out) throw new UsageError('--generate-keys needs --out FILE (where to write the keys)');
    return { kind: 'generate-keys', count: n, out: a.out };
  }
  if (a.out !== undefined) throw new UsageError('--out is only used with --generate-keys');

  const ports: Partial<Record<PortName, number>> = {};
  for (const [flag, name] of Object.entries(PORT_FLAGS)) {
    if (a[flag] !== undefined) ports[name] = portOf(flag, a[flag]);
  }
  if (a.keys !== undefined && (typeof a.keys !== 'string' || !a.keys)) throw new UsageError('--keys needs a FILE');
  if (a['admin-token'] !== undefined && (typeof a['admin-token'] !== 'string' || (a['admin-token'] as string).length < 8)) {
    throw new UsageError('--admin-token must be at least 8 characters');
  }
  const backlog = a.backlog;
  if (backlog !== undefined && (typeof backlog !== 'number' || !Number.isInteger(backlog) || backlog < 1 || backlog > 65535)) {
    throw new UsageError(`--backlog must be a whole number from 1 to 65535, got ${String(backlog)}`);
  }
  const stateFile = a['state-file'] as string | undefined;
  if (stateFile !== undefined && (typeof stateFile !== 'string' || !stateFile)) throw new UsageError('--state-file needs a FILE');
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
  const cpTokens = (a['control-plane-token'] as string[] | undefined)?.map(String);
  if (cpTokens?.some((t) => t.length === 0)) throw new UsageError('--control-plane-token must not be empty');
  const options: MockBackendOptions = { host: a.host as string, ports };
  if (a.ephemeral !== undefined) options.ephemeral = a.ephemeral as boolean;
  if (a['admin-token']) options.adminToken = a['admin-token'] as string;
  if (backlog !== undefined) options.backlog = backlog as number;
  if (stateFile !== undefined) options.stateFile = stateFile;
  if (allowedOrigins) options.vstatsAllowedOrigins = allowedOrigins;
  if (cpTokens?.length) options.controlPlaneTokens = cpTokens;
  if (a['fleet-ping-interval'] !== undefined) options.pingIntervalMs = durationOf('fleet-ping-interval', a['fleet-ping-interval'], 1);
  if (a['ws-ping-interval'] !== undefined) options.wsPingIntervalMs = durationOf('ws-ping-interval', a['ws-ping-interval'], 1);
  if (a['vstats-ping-interval'] !== undefined) options.vstatsPingIntervalMs = durationOf('vstats-ping-interval', a['vstats-ping-interval'], 1);
  options.lightdStatsIntervalMs = a['lightd-stats-interval'] === undefined ? 2000 : durationOf('lightd-stats-interval', a['lightd-stats-interval'], 0);
  if (a['shutdown-grace'] !== undefined) options.shutdownGraceMs = durationOf('shutdown-grace', a['shutdown-grace'], 0);
  if (a['heartbeat-throttle'] !== undefined) options.heartbeatThrottleMs = durationOf('heartbeat-throttle', a['heartbeat-throttle'], 0);
  const workers = workersOf(a.workers);
  const redisUrl = a['redis-url'] === undefined ? null : redisUrlOf(a['redis-url']);
  const pidFile = a['pid-file'];
  if (pidFile !== undefined && (typeof pidFile !== 'string' || !pidFile)) throw new UsageError('--pid-file needs a FILE');
  return {
    kind: 'serve',
    options,
    keysFile: (a.keys as string | undefined) ?? null,
    json: a.json as boolean,
    verbose: a.verbose as boolean,
    pidFile: (pidFile as string | undefined) ?? null,
    exitWithParent: a['exit-with-parent'] as boolean,
    workers,
    redisUrl,
  };
}

/** `--workers` → a count: absent → null (one process); empty (flag alone) or `auto` → one per core. */
function workersOf(v: unknown): number | null {
  if (v === undefined) return null;
  const text = String(Array.isArray(v) ? v[v.length - 1] : v).trim();
  if (text === '' || text === 'auto') return Math.max(1, availableParallelism());
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_WORKERS) throw new UsageError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, or auto (one per core), got "${text}"`);
  return Number(text);
}

function redisUrlOf(v: unknown): string {
  const text = String(Array.isArray(v) ? v[v.length - 1] : v).trim();
  let ok = false;
  try {
    const u = new URL(text);
    ok = (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`--redis-url must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379, got "${text}"`);
  return text;
}
