/**
 * The `fleetwire-sim` command line (yargs): `run` and `merge`, their flags,
 * FLEETWIRE_SIM_* environment variables and a JSON `--config` file.
 * Precedence: flags > environment > config file > defaults.
 *
 * `parseArgs` never exits and never prints: it returns options, the help text
 * to print (exit 0), or a message to print with exit code 2, so the CLI is
 * testable and the entry point stays three lines.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_BACKOFF, type BackoffOptions } from '@fleetwire/sdk';
import yargs, { type Argv } from 'yargs';
import { parseShard, type Shard } from '../model/fleet-plan.js';
import { parseKeysFile, type KeyEntry } from '../model/keys.js';
import { parseThresholds, knownMetrics, type Threshold } from '../report/thresholds.js';
import { dialectProblems } from './dialect-rules.js';
import * as v from './values.js';

export const DIALECTS = ['fleet', 'monitor', 'vstats'] as const;
export type Dialect = (typeof DIALECTS)[number];
export const LIVE_MODES = ['auto', 'tty', 'plain', 'off'] as const;
/** How fleet agents reach the control plane under FleetAgent (src/transport/). */
export const FLEET_TRANSPORTS = ['lean', 'socket.io-client'] as const;
export type FleetTransport = (typeof FLEET_TRANSPORTS)[number];
export type LiveMode = (typeof LIVE_MODES)[number];

/** Chaos knobs; all off (0 / null) by default. */
export interface ChaosOptions {
  /** Random disconnects per agent per minute (Poisson). */
  disconnectRate: number;
  /** Share of agents that flap (disconnect and come back every `flapPeriodMs`). */
  flapShare: number;
  flapPeriodMs: number;
  /** A share of agents whose acks/answers are late by `delayMs`. */
  slowAck: { share: number; delayMs: number } | null;
  /** Share of frames sent malformed (the backend must count a protocol error and keep the connection). */
  malformedShare: number;
}

/** Everything `fleetwire-sim run` needs, validated. */
export interface RunOptions {
  dialect: Dialect;
  /** Control plane URL; null = start the mock backend in-process. */
  url: string | null;
  agents: number;
  /** New connections per second. */
  rampPerSec: number;
  /** null = until Ctrl-C. */
  durationMs: number | null;
  heartbeatIntervalMs: number;
  /** The agents' reconnect backoff (`--reconnect-initial`, `--reconnect-max`); null: the SDK's defaults (1 s first ceiling, ×2, 30 s cap, full jitter). */
  backoff: BackoffOptions | null;
  /** fleet: the socket under each FleetAgent. Default 'lean'. */
  transport: FleetTransport;
  seed: string;
  keysFile: string | null;
  /** Parsed `--keys` file (at least `agents` entries), or null. */
  keys: KeyEntry[] | null;
  gpus: number | [number, number];
  chaos: ChaosOptions;
  workers: number;
  /** Child processes to spread agents over (each has its own ~20,000 open files). */
  processes: number;
  shard: Shard;
  out: string | null;
  /** Self-contained HTML report (charts over time, thresholds). */
  html: string | null;
  /** JUnit XML of the thresholds (and "agents got in"), for CI test views. */
  junit: string | null;
  thresholds: Threshold[];
  live: LiveMode;
  /** Embedded backend only: new rentals (start_instance) per minute over the fleet. Default 60. */
  rentalsPerMinute: number;
  /** Embedded backend only: mean rental time before its stop_instance, ms. Default 30000. */
  meanRentalMs: number;
  /** Embedded backend, monitor only: commands per minute over the fleet, sent by the backend and answered by the agents. Default 60. */
  commandsPerMinute: number;
  /** Source addresses agents bind to, round-robin (`--source-addresses 127.0.0.2,127.0.0.3`). Empty: the OS picks. */
  sourceAddresses: string[];
  /** Where the embedded backend runs: auto (in process up to 9,000 agents), in-process, child. */
  backend: BackendMode;
  /** `--scenario storm`: the reconnect storms to cause; null for a steady run. */
  storm: StormPlan | null;
}

export const SCENARIOS = ['steady', 'storm'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const STORM_MODES = ['partition', 'restart'] as const;

/** `--scenario storm`: when and how the fleet's connections are cut. */
export interface StormPlan {
  /** partition: the simulator drops every agent's socket at once (any control plane); restart: the embedded mock backend is killed and started again on the same port. */
  mode: (typeof STORM_MODES)[number];
  /** First storm, ms after the run clock starts (`--storm-at`). Default 30000. */
  atMs: number;
  /** Storms in the run (`--storm-count`). Default 1. */
  count: number;
  /** Between storms, ms (`--storm-every`). Default 60000. */
  everyMs: number;
  /** restart: how long the backend stays down before it is started again (`--storm-down`). Default 0. */
  downMs: number;
}

export const BACKEND_MODES = ['auto', 'in-process', 'child'] as const;
export type BackendMode = (typeof BACKEND_MODES)[number];

/** Everything `fleetwire-sim merge` needs. */
export interface MergeOptions {
  files: string[];
  out: string | null;
  html: string | null;
  junit: string | null;
  thresholds: Threshold[];
}

export type ParseResult =
  | { ok: true; command: 'run'; options: RunOptions }
  | { ok: true; command: 'merge'; options: MergeOptions }
  /** `--help` (or `help`): print `text`, exit 0. */
  | { ok: true; command: 'help'; text: string }
  | { ok: false; message: string; exitCode: 2 };

/** What `parseArgs` reads from disk; replaceable in tests. */
export interface ArgsIo {
  readFile(path: string): string;
}
const defaultIo: ArgsIo = { readFile: (p) => readFileSync(p, 'utf8') };

class UsageError extends Error {}

const ENV_PREFIX = 'FLEETWIRE_SIM';

function runFlags(y: Argv, io: ArgsIo): Argv {
  const s = (describe: string, def?: string) => ({ type: 'string' as const, requiresArg: true, describe, ...(def !== undefined ? { default: def } : {}) });
  return y
    .option('dialect', {
      choices: DIALECTS,
      default: 'fleet',
      describe: 'protocol the agents speak: fleet (Socket.IO, acks, rentals), monitor (metrics + commands answered with simulated output), vstats (full system metrics reports)',
      requiresArg: true,
    })
    .option('url', s('control plane URL (default: start the mock backend in-process)'))
    .option('transport', {
      choices: FLEET_TRANSPORTS,
      default: 'lean',
      requiresArg: true,
      describe:
        'fleet only: the socket under each FleetAgent. lean = one ws WebSocket per agent speaking Engine.IO v4 / Socket.IO v5, one timer wheel and one ack table per process (measured: ~0.8× the CPU per heartbeat and ~0.7× the memory per agent of socket.io-client); ' +
        'socket.io-client = the SDK default (a Manager, Engine and Socket per agent), for comparison',
    })
    .option('agents', s('agents in the whole fleet (all shards together)', '1000'))
    .option('ramp', s('new connections per second', '200'))
    .option('duration', s('how long to run: 30s, 5m, 1h, 500ms (default: until Ctrl-C)'))
    .option('heartbeat-interval', s('fleet heartbeat / monitor and vstats metrics interval', '5s'))
    .option('reconnect-initial', s('the agents\' first reconnect delay ceiling (full jitter: each retry waits uniform [0, ceiling], the ceiling doubling per failure up to --reconnect-max); a larger one thins the first wave after an outage, but during a long outage the ceilings climb to the cap anyway [default: 1s, the SDK\'s]'))
    .option('reconnect-max', s('the agents\' largest reconnect delay ceiling: after an outage of more than a few seconds it decides how long the last agents wait once the control plane is back [default: 30s, the SDK\'s]'))
    .option('seed', s('seed: same seed, same fleet and event sequence', '1'))
    .option('keys', s('file with one key per agent (text lines or JSON; the mock backend\'s generated file works as is); default: dev-<nodeId>, which the mock accepts without --keys'))
    .option('gpus', s('GPUs per host: N or MIN-MAX (drawn per agent)', '8'))
    .option('chaos-disconnect-rate', s('random disconnects per agent per minute', '0'))
    .option('chaos-flap', s('share of agents that flap (0.05 or 5%)', '0'))
    .option('chaos-flap-period', s('how often a flapping agent drops', '10s'))
    .option('chaos-slow-ack', s('SHARE:DELAY, slow agents that answer late, e.g. 5%:2s (fleet: acks; monitor: command answers; not vstats)'))
    .option('chaos-malformed', s('share of frames sent malformed (0.001 or 0.1%): fleet heartbeats, monitor/vstats metrics', '0'))
    .option('rentals-per-minute', s('embedded backend only: start_instance commands per minute over the fleet (0 = none)', '60'))
    .option('rental-duration', s('embedded backend only: mean rental time before its stop_instance', '30s'))
    .option('commands-per-minute', s('embedded backend, monitor only: commands per minute over the fleet, answered with simulated output (0 = none)', '60'))
    .option('embedded-backend', {
      choices: BACKEND_MODES,
      default: 'auto',
      requiresArg: true,
      describe: 'where the embedded mock backend runs: auto = in this process up to 9,000 agents, a child process above (one process holds ~20,000 open files and an in-process backend needs 2 per agent)',
    })
    .option('scenario', {
      choices: SCENARIOS,
      default: 'steady',
      requiresArg: true,
      describe: 'steady: agents connect and run; storm: mid-run every connection is cut at once (--storm-*) and the report says how fast the fleet was re-admitted',
    })
    .option('storm-mode', {
      choices: STORM_MODES,
      requiresArg: true,
      describe: 'with --scenario storm: partition = the simulator drops every agent\'s socket at the same instant (any control plane); restart = the embedded mock backend is killed (SIGKILL) and started again on the same port (no --url) [default: partition]',
    })
    .option('storm-at', s('with --scenario storm: when the first storm hits, after the agents are up (e.g. 30s) [default: 30s]'))
    .option('storm-count', s('with --scenario storm: how many storms [default: 1]'))
    .option('storm-every', s('with --scenario storm: time between storms [default: 60s]'))
    .option('storm-down', s('with --storm-mode restart: how long the control plane stays down before it is started again [default: 0s]'))
    .option('source-addresses', s('comma-separated local addresses agents bind to, each socket on a source port of our own (10000 up to the ephemeral range, two per agent): for a remote control plane past ~12,000 connections, where the kernel\'s own port choice becomes a scan per connect and stops at ~28,000; default: chosen for you (127.0.0.2, …) past ~12,000 connections to a loopback control plane'))
    .option('workers', s('worker threads to spread agents over (they share this process\'s ~20,000 open files)', '1'))
    .option('processes', s('child processes to spread agents over, each with its own open-file limit: past ~20,000 agents on one box (with --url; source ports are bound for you past ~12,000 connections to a loopback control plane)', '1'))
    .option('shard', s('run slice i of n of the fleet (0-based): 0/4 … 3/4', '0/1'))
    .option('out', s('write the JSON report here (schema: packages/simulator/report.schema.json, percentiles and a per-second time series included)'))
    .option('html', s('write a self-contained HTML report here: charts over time (connected, throughput, latency, errors by code, lifecycle) and thresholds'))
    .option('junit', s('write the thresholds as JUnit XML test cases here (plus "agents got in"), for CI test views'))
    .option('threshold', { type: 'string', array: true, requiresArg: true, describe: 'pass/fail rule, repeatable: ack_p99<100ms, errors<0.1%, connected>=99%' })
    .option('live', { choices: LIVE_MODES, default: 'auto', requiresArg: true, describe: 'live view: auto (tty block on a terminal, plain lines otherwise), tty, plain, off' })
    .config('config', 'JSON file with any of these options (flags and FLEETWIRE_SIM_* env vars win)', (path: string) => readConfig(path, io))
    .example('$0 run', '1,000 fleet agents vs an in-process mock backend')
    .example('$0 run --url http://127.0.0.1:3000', 'against a running control plane (add --keys FILE)')
    .example('$0 run --duration 2m --threshold "ack_p99<100ms"', 'CI: exit 1 when a threshold fails')
    .example('$0 run --agents 20000 --shard 0/2 --out a.json', 'half the fleet here (1/2 on another machine)')
    .example('$0 run --chaos-slow-ack 5%:2s --chaos-flap 1%', 'chaos: slow acks, flapping agents')
    .example('$0 run --scenario storm --storm-at 20s --duration 1m', 'every agent\'s socket cut at 20 s; time to 99 %/100 % re-admitted, attempts/s')
    .example('$0 run --scenario storm --storm-mode restart --storm-count 3 --storm-every 40s --duration 2m30s', 'the embedded mock killed and restarted 3 times')
    .example('$0 run --dialect monitor --threshold "command_p99<500ms"', 'monitor agents; the embedded backend sends them commands')
    .example('$0 run --dialect vstats --url ws://127.0.0.1:3001', 'vstats agents vs a running vstats server (add --keys FILE)')
    .example('$0 run --agents 10000 --workers 2 --source-addresses 127.0.0.2,127.0.0.3', '10,000 agents; the embedded backend moves to a child process above 9,000')
    .example('$0 run --url http://cp:3000 --agents 60000 --processes 4 --source-addresses 127.0.0.2,127.0.0.3,127.0.0.4', '60,000 agents in 4 processes against a real control plane')
    .example('FLEETWIRE_SIM_AGENTS=500 $0 run --config sim.json', 'environment variables and a config file')
    .epilogue(`Threshold metrics: ${knownMetrics()}.\n` +
        `monitor and vstats have no acks: ack_*, event_ack_*, heartbeats, heartbeat_rate, events and instances_* would have no samples there and are refused; ` +
        `use connected, errors, reconnects, connect_*, metrics_sent, metrics (received by the embedded backend, % of sent) and, for monitor against the embedded backend, command_* and commands.\n` +
        `Every flag can also be set as FLEETWIRE_SIM_<FLAG> (e.g. FLEETWIRE_SIM_HEARTBEAT_INTERVAL=2s).\n` +
        `Without --url the mock backend is started for you (on an ephemeral 127.0.0.1 port): fleet agents are sent rentals (--rentals-per-minute), ` +
        `monitor agents commands (--commands-per-minute), vstats agents nothing (that dialect has no server-to-agent messages). ` +
        `Open files: one process holds ~20,000 sockets here (ulimit -n); an in-process backend holds the server end of every agent's socket too, ` +
        `so above 9,000 agents the embedded backend runs in a child process (--embedded-backend). Worker threads share the process's file table: ` +
        `for more than ~19,000 agents per machine run several processes with --shard.`);
}

function readConfig(path: string, io: ArgsIo): Record<string, unknown> {
  let text: string;
  try {
    text = io.readFile(path);
  } catch (err) {
    throw new UsageError(`--config ${path}: cannot read it (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`--config ${path}: must be a JSON object of options, e.g. {"agents": 500}`);
  return data as Record<string, unknown>;
}

function build(argv: readonly string[], io: ArgsIo): Argv {
  return yargs([...argv])
    .scriptName('fleetwire-sim')
    .usage('$0 <command> [options]\n\nThousands of fake GPU hosts against a control plane, with numbers at the end.')
    .env(ENV_PREFIX)
    .exitProcess(false)
    .version(false)
    .strict()
    .wrap(120)
    .command('run', 'simulate a fleet of agents against a control plane', (y) => runFlags(y, io))
    .command('merge <files..>', 'merge shard reports exactly into one report', (y) =>
      y
        .positional('files', { type: 'string', array: true, describe: 'report JSON files written by run --out' })
        .option('out', { type: 'string', requiresArg: true, describe: 'write the merged JSON report here' })
        .option('html', { type: 'string', requiresArg: true, describe: 'write the merged HTML report here' })
        .option('junit', { type: 'string', requiresArg: true, describe: 'write the thresholds as JUnit XML here' })
        .option('threshold', { type: 'string', array: true, requiresArg: true, describe: 'evaluate thresholds on the merged report' })
        .example('$0 merge a.json b.json --out all.json --threshold "ack_p99<100ms"', 'merge two shards and check'),
    )
    .demandCommand(1, 'say which command: run or merge')
    .example('$0 run --help', 'all run options')
    .example('$0 merge a.json b.json --out all.json', 'merge shard reports')
    .fail((msg, err) => {
      throw new UsageError(msg ?? err?.message ?? 'invalid arguments');
    })
    .help();
}

/** `--reconnect-initial` / `--reconnect-max` as the SDK's BackoffOptions; null when neither was given. */
function backoffOf(initialMs: number | null, maxMs: number | null, errors: string[]): BackoffOptions | null {
  if (initialMs === null && maxMs === null) return null;
  if (initialMs !== null && initialMs <= 0) errors.push('--reconnect-initial: must be longer than 0');
  if (maxMs !== null && maxMs <= 0) errors.push('--reconnect-max: must be longer than 0');
  // The SDK's own defaults fill the flag not given (its Backoff would reject max < initial too, but
  // with its option names; here the message names the flags).
  const initial = initialMs ?? DEFAULT_BACKOFF.initialDelayMs;
  const max = maxMs ?? Math.max(DEFAULT_BACKOFF.maxDelayMs, initial);
  if (max < initial) errors.push(`--reconnect-max (${max} ms) must be at least --reconnect-initial (${initial} ms)`);
  return { initialDelayMs: initial, maxDelayMs: max };
}

const STORM_FLAGS = ['storm-mode', 'storm-at', 'storm-count', 'storm-every', 'storm-down'] as const;

/** `--scenario storm` and its `--storm-*` flags, checked against the rest of the run; null for a steady run. */
function stormPlanOf(
  a: Record<string, unknown>,
  o: RunOptions,
  errors: string[],
  get: <T>(name: string, parse: (text: string) => v.Parsed<T>, fallback: T) => T,
  count: (t: string) => v.Parsed<number>,
): StormPlan | null {
  const given = STORM_FLAGS.filter((f) => a[f] !== undefined);
  if (str(a['scenario']) !== 'storm') {
    if (given.length > 0) errors.push(`${given.map((f) => `--${f}`).join(', ')}: only with --scenario storm`);
    const stormThresholds = o.thresholds.filter((t) => t.metric.startsWith('storm_'));
    if (stormThresholds.length > 0) errors.push(`--threshold ${stormThresholds.map((t) => t.expr).join(', ')}: storm metrics need --scenario storm`);
    return null;
  }
  const plan: StormPlan = {
    mode: (str(a['storm-mode']) ?? 'partition') as StormPlan['mode'],
    atMs: get('storm-at', v.duration, 30_000),
    count: get('storm-count', count, 1),
    everyMs: get('storm-every', v.duration, 60_000),
    downMs: get('storm-down', v.duration, 0),
  };
  if (a['storm-every'] !== undefined && plan.everyMs <= 0) errors.push('--storm-every: must be longer than 0');
  if (plan.mode === 'restart' && o.url !== null) {
    errors.push('--storm-mode restart: fleetwire-sim can only restart the mock backend it starts itself (no --url); against --url use --storm-mode partition, or restart your control plane yourself during a steady run');
  }
  if (plan.mode !== 'restart' && a['storm-down'] !== undefined) errors.push('--storm-down: only with --storm-mode restart (a partition drops the sockets and the agents reconnect at once)');
  const last = plan.atMs + (plan.count - 1) * plan.everyMs;
  if (o.durationMs !== null && last >= o.durationMs) {
    const which = plan.count > 1 ? `the last storm (--storm-at + ${plan.count - 1} × --storm-every = ${last / 1000} s)` : `the storm (--storm-at ${last / 1000} s)`;
    errors.push(`--scenario storm: ${which} would not come before the run ends (--duration ${o.durationMs / 1000} s); leave time after it for the agents to come back`);
  }
  return plan;
}

/** The last value when a flag came twice (or from env + config as an array). */
const last = (x: unknown): unknown => (Array.isArray(x) ? x[x.length - 1] : x);
const str = (x: unknown): string | undefined => {
  const l = last(x);
  return l === undefined || l === null ? undefined : String(l);
};
const list = (x: unknown): string[] => (x === undefined ? [] : (Array.isArray(x) ? x : [x]).map(String));

/** Parses and validates `fleetwire-sim …` arguments (without `node script`). */
export async function parseArgs(argv: readonly string[], io: ArgsIo = defaultIo): Promise<ParseResult> {
  let help = '';
  let parsed: Record<string, unknown>;
  try {
    parsed = (await build(argv, io).parseAsync([...argv], {}, (_err, _argv, output) => {
      help = output;
    })) as Record<string, unknown>;
  } catch (err) {
    return usage((err as Error).message, argv);
  }
  if (parsed['help'] || help) return { ok: true, command: 'help', text: help };
  const command = (parsed['_'] as unknown[])[0];
  if (command === 'merge') return validateMerge(parsed);
  return validateRun(parsed, io);
}

/** yargs says "Unknown argument: foo" for FLEETWIRE_SIM_FOO too; say where it came from. */
function explainEnv(message: string): string {
  return message.replace(/Unknown arguments?: (.+)$/m, (line, names: string) => {
    const fromEnv = names
      .split(', ')
      .map((n) => `${ENV_PREFIX}_${n.replace(/[A-Z]/g, (c) => `_${c}`).replace(/-/g, '_').toUpperCase()}`)
      .filter((k) => process.env[k] !== undefined);
    return fromEnv.length > 0 ? `${line} (from the environment: ${fromEnv.join(', ')}; unset it or fix its name)` : line;
  });
}

function usage(message: string, argv: readonly string[]): ParseResult {
  message = explainEnv(message);
  const cmd = argv.includes('merge') ? 'merge' : argv.includes('run') ? 'run' : '';
  return { ok: false, exitCode: 2, message: `fleetwire-sim: ${message}\nRun "fleetwire-sim ${cmd ? `${cmd} ` : ''}--help" for usage.` };
}

function thresholdsOf(raw: unknown, errors: string[]): Threshold[] {
  try {
    return parseThresholds(list(raw));
  } catch (err) {
    errors.push(`--threshold: ${(err as Error).message}`);
    return [];
  }
}

function validateMerge(a: Record<string, unknown>): ParseResult {
  const errors: string[] = [];
  const thresholds = thresholdsOf(a['threshold'], errors);
  const files = list(a['files']);
  if (errors.length > 0) return usage(errors.join('\n'), ['merge']);
  return { ok: true, command: 'merge', options: { files, out: str(a['out']) ?? null, html: str(a['html']) ?? null, junit: str(a['junit']) ?? null, thresholds } };
}

function validateRun(a: Record<string, unknown>, io: ArgsIo): ParseResult {
  const errors: string[] = [];
  /** Reads flag `name` with `parse`; on failure records "--name: why" and returns the fallback. */
  const get = <T>(name: string, parse: (text: string) => v.Parsed<T>, fallback: T): T => {
    const text = str(a[name]);
    if (text === undefined) return fallback;
    const r = parse(text);
    if (r.ok) return r.value;
    errors.push(`--${name}: ${r.message}`);
    return fallback;
  };
  const whole = (min: number, what: string) => (t: string): v.Parsed<number> =>
    /^\d+$/.test(t.trim()) && Number(t) >= min ? { ok: true, value: Number(t) } : { ok: false, message: `expected ${what} (a whole number >= ${min}); got "${t}"` };
  const positive = (what: string) => (t: string): v.Parsed<number> =>
    /^\d+(\.\d+)?$/.test(t.trim()) && Number(t) > 0 ? { ok: true, value: Number(t) } : { ok: false, message: `expected ${what} (a number > 0); got "${t}"` };
  const nonNegative = (what: string) => (t: string): v.Parsed<number> =>
    /^\d+(\.\d+)?$/.test(t.trim()) ? { ok: true, value: Number(t) } : { ok: false, message: `expected ${what} (a number >= 0); got "${t}"` };
  const shardOf = (t: string): v.Parsed<Shard> => {
    try {
      return { ok: true, value: parseShard(t) };
    } catch (err) {
      return { ok: false, message: (err as Error).message.replace(/^--shard /, '') };
    }
  };

  const agents = get('agents', whole(1, 'an agent count'), 1000);
  const heartbeatIntervalMs = get('heartbeat-interval', v.duration, 5000);
  if (heartbeatIntervalMs <= 0) errors.push('--heartbeat-interval: must be longer than 0');
  const durationMs = get<number | null>('duration', v.duration, null);
  if (durationMs === 0) errors.push('--duration: must be longer than 0 (leave it out to run until Ctrl-C)');
  const keysFile = str(a['keys']) ?? null;
  let keys: KeyEntry[] | null = null;
  if (keysFile !== null) {
    try {
      keys = parseKeysFile(io.readFile(keysFile));
      if (keys.length < agents) errors.push(`--keys ${keysFile}: has ${keys.length} keys but --agents is ${agents}; one key per agent`);
    } catch (err) {
      errors.push(`--keys ${keysFile}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
  const options: RunOptions = {
    dialect: str(a['dialect']) as Dialect,
    url: get<string | null>('url', v.url, null),
    agents,
    rampPerSec: get('ramp', positive('connections per second'), 200),
    durationMs,
    heartbeatIntervalMs,
    backoff: backoffOf(get('reconnect-initial', v.duration, null as number | null), get('reconnect-max', v.duration, null as number | null), errors),
    transport: (str(a['transport']) ?? 'lean') as FleetTransport,
    seed: str(a['seed']) ?? '1',
    keysFile,
    keys,
    gpus: get('gpus', v.gpus, 8),
    chaos: {
      disconnectRate: get('chaos-disconnect-rate', nonNegative('disconnects per agent per minute'), 0),
      flapShare: get('chaos-flap', v.share, 0),
      flapPeriodMs: get('chaos-flap-period', v.duration, 10_000),
      slowAck: get<{ share: number; delayMs: number } | null>('chaos-slow-ack', v.slowAck, null),
      malformedShare: get('chaos-malformed', v.share, 0),
    },
    workers: get('workers', whole(1, 'a worker count'), 1),
    processes: get('processes', whole(1, 'a process count'), 1),
    shard: get('shard', shardOf, { index: 0, count: 1 }),
    out: str(a['out']) ?? null,
    html: str(a['html']) ?? null,
    junit: str(a['junit']) ?? null,
    thresholds: thresholdsOf(a['threshold'], errors),
    live: str(a['live']) as LiveMode,
    rentalsPerMinute: get('rentals-per-minute', nonNegative('rentals per minute'), 60),
    meanRentalMs: get('rental-duration', v.duration, 30_000),
    commandsPerMinute: get('commands-per-minute', nonNegative('commands per minute'), 60),
    sourceAddresses: (str(a['source-addresses']) ?? '').split(',').map((x) => x.trim()).filter((x) => x.length > 0),
    backend: (str(a['embedded-backend']) ?? 'auto') as BackendMode,
    storm: null,
  };
  options.storm = stormPlanOf(a, options, errors, get, whole(1, 'a storm count'));
  if (options.url !== null && a['rentals-per-minute'] !== undefined && str(a['rentals-per-minute']) !== '60' && options.rentalsPerMinute > 0) {
    errors.push('--rentals-per-minute: only with the embedded backend (against --url the control plane sends its own commands)');
  }
  // A flag counts as given when it differs from its default (yargs fills defaults in).
  errors.push(...dialectProblems(options, (flag, def) => a[flag] !== undefined && str(a[flag]) !== def));
  for (const addr of options.sourceAddresses) if (!/^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-f:]+$/i.test(addr)) errors.push(`--source-addresses: "${addr}" is not an IP address`);
  if (options.workers > 1 && options.processes > 1) errors.push('--workers and --processes: pick one (threads share one process, processes do not)');
  if (options.shard.count > agents) errors.push(`--shard ${options.shard.index}/${options.shard.count}: more shards than agents (${agents}); some shards would be empty`);
  if (errors.length > 0) return usage(errors.join('\n'), ['run']);
  return { ok: true, command: 'run', options };
}
