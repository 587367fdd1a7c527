import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs, type ArgsIo, type ParseResult, type RunOptions } from './args.js';

const files: Record<string, string> = {
  'keys.txt': 'k1\nk2\nk3\n',
  'keys.json': JSON.stringify([{ key: 'a', nodeId: 'n-a' }, { key: 'b' }]),
  'sim.json': JSON.stringify({ agents: 300, ramp: 50, 'heartbeat-interval': '2s', seed: 'from-config', threshold: ['ack_p99<1s'] }),
  'broken.json': '{ agents: ',
  'list.json': '[1,2]',
};
const io: ArgsIo = {
  readFile(path) {
    const name = path.split('/').pop() as string;
    const text = files[name];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return text;
  },
};

async function run(...argv: string[]): Promise<RunOptions> {
  const r = await parseArgs(['run', ...argv], io);
  if (!(r.ok && r.command === 'run')) throw new Error(`expected run options, got ${JSON.stringify(r)}`);
  return r.options;
}
async function fails(...argv: string[]): Promise<string> {
  const r: ParseResult = await parseArgs(argv, io);
  expect(r.ok).toBe(false);
  if (r.ok) return '';
  expect(r.exitCode).toBe(2);
  return r.message;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parseArgs run', () => {
  it('defaults: 1,000 fleet agents against the embedded backend, until Ctrl-C', async () => {
    const o = await run();
    expect(o).toMatchObject({
      dialect: 'fleet',
      url: null,
      agents: 1000,
      rampPerSec: 200,
      durationMs: null,
      heartbeatIntervalMs: 5000,
      seed: '1',
      keys: null,
      gpus: 8,
      workers: 1,
      processes: 1,
      shard: { index: 0, count: 1 },
      out: null,
      thresholds: [],
      live: 'auto',
      chaos: { disconnectRate: 0, flapShare: 0, flapPeriodMs: 10_000, slowAck: null, malformedShare: 0 },
    });
  });

  it('--reconnect-initial / --reconnect-max: the agents\' backoff ceilings (SDK defaults when absent), bad values named', async () => {
    expect((await run()).backoff).toBeNull();
    expect((await run('--reconnect-initial', '5s')).backoff).toEqual({ initialDelayMs: 5000, maxDelayMs: 30_000 });
    expect((await run('--reconnect-initial', '45s')).backoff).toEqual({ initialDelayMs: 45_000, maxDelayMs: 45_000 });
    expect((await run('--reconnect-max', '10s')).backoff).toEqual({ initialDelayMs: 1000, maxDelayMs: 10_000 });
    expect(await fails('run', '--reconnect-initial', '10s', '--reconnect-max', '2s')).toMatch(/--reconnect-max \(2000 ms\) must be at least --reconnect-initial \(10000 ms\)/);
    expect(await fails('run', '--reconnect-initial', 'soon')).toMatch(/--reconnect-initial/);
  });

  it('reads every flag of the issue', async () => {
    const o = await run(
      '--dialect', 'monitor', '--url', 'ws://127.0.0.1:8000', '--agents', '3', '--ramp', '50', '--duration', '1m30s',
      '--heartbeat-interval', '250ms', '--seed', 'abc', '--keys', 'keys.txt', '--gpus', '1-4',
      '--chaos-disconnect-rate', '0.5', '--chaos-flap', '5%', '--chaos-flap-period', '3s', '--chaos-slow-ack', '10%:2s', '--chaos-malformed', '0.001',
      '--workers', '2', '--shard', '1/3', '--out', 'r.json', '--threshold', 'connect_p99<100ms', '--threshold', 'errors<0.1%', '--live', 'plain',
    );
    expect(o).toMatchObject({
      dialect: 'monitor',
      url: 'ws://127.0.0.1:8000',
      agents: 3,
      rampPerSec: 50,
      durationMs: 90_000,
      heartbeatIntervalMs: 250,
      seed: 'abc',
      keysFile: 'keys.txt',
      keys: [{ key: 'k1' }, { key: 'k2' }, { key: 'k3' }],
      gpus: [1, 4],
      chaos: { disconnectRate: 0.5, flapShare: 0.05, flapPeriodMs: 3000, slowAck: { share: 0.1, delayMs: 2000 }, malformedShare: 0.001 },
      workers: 2,
      shard: { index: 1, count: 3 },
      out: 'r.json',
      live: 'plain',
    });
    expect(o.thresholds.map((t) => t.expr)).toEqual(['connect_p99<100ms', 'errors<0.1%']);
  });

  it('monitor and vstats: what has no samples or no meaning there is refused with the reason, exit 2', async () => {
    expect(await fails('run', '--dialect', 'vstats', '--threshold', 'ack_p99<100ms')).toMatch(/--threshold ack_p99<100ms: vstats agents get no acks and no rentals, so ack has no samples; use connected, errors/);
    expect(await fails('run', '--dialect', 'monitor', '--threshold', 'heartbeats>=99%')).toMatch(/--threshold heartbeats>=99%: monitor agents get no acks.*command_\*, commands/);
    expect(await fails('run', '--dialect', 'vstats', '--threshold', 'command_p99<1s')).toMatch(/only monitor agents get commands/);
    expect(await fails('run', '--dialect', 'monitor', '--url', 'ws://127.0.0.1:8000', '--threshold', 'command_p99<1s')).toMatch(/measured at the embedded mock backend/);
    expect(await fails('run', '--threshold', 'metrics>=99%')).toMatch(/fleet agents send heartbeats, not metrics messages/);
    expect(await fails('run', '--dialect', 'vstats', '--chaos-slow-ack', '5%:1s')).toMatch(/--chaos-slow-ack: vstats agents answer nothing/);
    expect(await fails('run', '--dialect', 'vstats', '--commands-per-minute', '5')).toMatch(/--commands-per-minute: monitor only/);
    expect(await fails('run', '--dialect', 'monitor', '--rentals-per-minute', '5')).toMatch(/--rentals-per-minute: fleet only/);
    const ok = await run('--dialect', 'monitor', '--commands-per-minute', '120', '--threshold', 'connected>=99%', '--threshold', 'command_p99<500ms', '--threshold', 'metrics>=99%');
    expect(ok).toMatchObject({ dialect: 'monitor', commandsPerMinute: 120 });
    expect(ok.thresholds.map((t) => t.metric)).toEqual(['connected', 'command_p99', 'metrics']);
  });

  it('--transport: lean by default, socket.io-client on request, fleet only, nothing else', async () => {
    expect((await run()).transport).toBe('lean');
    expect((await run('--transport', 'socket.io-client')).transport).toBe('socket.io-client');
    expect(await fails('run', '--transport', 'polling')).toMatch(/transport/);
    expect(await fails('run', '--dialect', 'monitor', '--transport', 'socket.io-client')).toMatch(/--transport: fleet only/);
    const help = await parseArgs(['run', '--help'], io);
    // yargs wraps the help text at the terminal width: any run of whitespace may be a line break.
    expect(help.ok && help.command === 'help' && help.text).toMatch(/lean\s+=\s+one\s+ws\s+WebSocket\s+per\s+agent[\s\S]*socket\.io-client\s+=\s+the\s+SDK\s+default/);
  });

  it('durations accept 30s / 5m / 1h / ms', async () => {
    expect((await run('--duration', '30s')).durationMs).toBe(30_000);
    expect((await run('--duration', '5m')).durationMs).toBe(300_000);
    expect((await run('--duration', '1h')).durationMs).toBe(3_600_000);
    expect((await run('--duration', '1500ms')).durationMs).toBe(1500);
  });

  it('bad values: a clear message naming the flag, exit 2', async () => {
    expect(await fails('run', '--agents', 'many')).toMatch(/--agents: expected an agent count \(a whole number >= 1\); got "many"/);
    expect(await fails('run', '--agents', '0')).toMatch(/--agents: .*got "0"/);
    expect(await fails('run', '--duration', '60')).toMatch(/--duration: expected a duration with a unit \(ms, s, m, h\), e\.g\. 30s/);
    expect(await fails('run', '--dialect', 'lightd')).toMatch(/Invalid values:[\s\S]*dialect[\s\S]*lightd[\s\S]*fleet/);
    expect(await fails('run', '--shard', '2/2')).toMatch(/--shard: .*i must be 0..1 \(shards are 0-based/);
    expect(await fails('run', '--chaos-flap', '150%')).toMatch(/--chaos-flap: expected a share between 0 and 1/);
    expect(await fails('run', '--chaos-slow-ack', '5%')).toMatch(/--chaos-slow-ack: expected SHARE:DELAY, e\.g\. 5%:2s/);
    expect(await fails('run', '--url', 'ftp://x')).toMatch(/--url: expected an http\(s\):\/\/ or ws\(s\):\/\/ URL/);
    expect(await fails('run', '--gpus', '8-2')).toMatch(/--gpus: a range must be min-max/);
    expect(await fails('run', '--threshold', 'p99<1')).toMatch(/--threshold: bad threshold "p99<1": unknown metric "p99"\. Known metrics:/);
    expect(await fails('run', '--agents', '2', '--shard', '0/3')).toMatch(/more shards than agents/);
  });

  it('several bad values are reported together, and usage is pointed to', async () => {
    const msg = await fails('run', '--agents', 'x', '--ramp', '-5', '--workers', '0');
    expect(msg).toMatch(/^fleetwire-sim: --agents: .*\n--ramp: .*\n--workers: .*\nRun "fleetwire-sim run --help" for usage\.$/);
  });

  it('unknown flags, a missing command and a missing value are usage errors (exit 2)', async () => {
    expect(await fails('run', '--agnets', '5')).toMatch(/Unknown argument: agnets/);
    expect(await fails()).toMatch(/say which command: run or merge/);
    expect(await fails('run', '--agents')).toMatch(/Not enough arguments following: agents/);
  });

  it('keys: fewer keys than agents or a missing file are refused', async () => {
    expect(await fails('run', '--keys', 'keys.json', '--agents', '3')).toMatch(/--keys keys\.json: has 2 keys but --agents is 3; one key per agent/);
    expect(await fails('run', '--keys', 'nope.txt')).toMatch(/--keys nope\.txt: no such file/);
    expect((await run('--keys', 'keys.json', '--agents', '2')).keys).toEqual([{ key: 'a', nodeId: 'n-a' }, { key: 'b' }]);
  });
});

describe('env and config precedence: flags > env > config > defaults', () => {
  it('config file values apply', async () => {
    const o = await run('--config', 'sim.json');
    expect(o).toMatchObject({ agents: 300, rampPerSec: 50, heartbeatIntervalMs: 2000, seed: 'from-config' });
    expect(o.thresholds.map((t) => t.expr)).toEqual(['ack_p99<1s']);
  });

  it('env beats config, flags beat env', async () => {
    vi.stubEnv('FLEETWIRE_SIM_AGENTS', '700');
    vi.stubEnv('FLEETWIRE_SIM_HEARTBEAT_INTERVAL', '1s');
    vi.stubEnv('FLEETWIRE_SIM_CHAOS_MALFORMED', '1%');
    const envOverConfig = await run('--config', 'sim.json');
    expect(envOverConfig).toMatchObject({ agents: 700, heartbeatIntervalMs: 1000, rampPerSec: 50, chaos: { malformedShare: 0.01 } });
    const flagOverEnv = await run('--config', 'sim.json', '--agents', '9');
    expect(flagOverEnv.agents).toBe(9);
  });

  it('an unknown FLEETWIRE_SIM_* variable is named as coming from the environment', async () => {
    vi.stubEnv('FLEETWIRE_SIM_AGENT_COUNT', '5');
    expect(await fails('run')).toMatch(/Unknown argument: .*agent.*\(from the environment: FLEETWIRE_SIM_AGENT_COUNT; unset it or fix its name\)/);
  });

  it('bad env values are reported like bad flags', async () => {
    vi.stubEnv('FLEETWIRE_SIM_RAMP', 'fast');
    expect(await fails('run')).toMatch(/--ramp: expected connections per second \(a number > 0\); got "fast"/);
  });

  it('a broken or missing config file is a clear usage error', async () => {
    expect(await fails('run', '--config', 'broken.json')).toMatch(/--config .*broken\.json: not valid JSON/);
    expect(await fails('run', '--config', 'list.json')).toMatch(/--config .*list\.json: must be a JSON object of options/);
    expect(await fails('run', '--config', 'missing.json')).toMatch(/--config .*missing\.json: cannot read it/);
  });
});

describe('help', () => {
  it('run --help lists the flags and examples, exit 0', async () => {
    const r = await parseArgs(['run', '--help'], io);
    expect(r).toMatchObject({ ok: true, command: 'help' });
    const text = r.ok && r.command === 'help' ? r.text : '';
    for (const flag of ['--dialect', '--url', '--agents', '--ramp', '--duration', '--heartbeat-interval', '--seed', '--keys', '--gpus', '--chaos-disconnect-rate', '--chaos-flap', '--chaos-slow-ack', '--chaos-malformed', '--workers', '--processes', '--shard', '--out', '--threshold', '--config']) {
      expect(text).toContain(flag);
    }
    expect(text).toMatch(/Examples:/);
    expect(text).toContain('fleetwire-sim run --duration 2m --threshold "ack_p99<100ms"  ');
    expect(text).toContain('FLEETWIRE_SIM_');
  });

  it('top-level --help names both commands', async () => {
    const r = await parseArgs(['--help'], io);
    const text = r.ok && r.command === 'help' ? r.text : '';
    expect(text).toMatch(/fleetwire-sim run/);
    expect(text).toMatch(/fleetwire-sim merge <files\.\.>/);
    expect(text).toMatch(/Examples:/);
  });
});

describe('parseArgs merge', () => {
  it('takes files, --out and thresholds', async () => {
    const r = await parseArgs(['merge', 'a.json', 'b.json', '--out', 'all.json', '--threshold', 'connected>=99%'], io);
    expect(r).toMatchObject({ ok: true, command: 'merge', options: { files: ['a.json', 'b.json'], out: 'all.json' } });
  });
  it('needs at least one file; bad thresholds exit 2', async () => {
    expect(await fails('merge')).toMatch(/Not enough non-option arguments/);
    expect(await fails('merge', 'a.json', '--threshold', 'x>')).toMatch(/bad threshold "x>"/);
  });
});

describe('--scenario storm', () => {
  it('defaults: one partition 30 s in; the --storm-* flags are read', async () => {
    expect((await run()).storm).toBeNull();
    expect((await run('--scenario', 'storm')).storm).toEqual({ mode: 'partition', atMs: 30_000, count: 1, everyMs: 60_000, downMs: 0 });
    const o = await run('--scenario', 'storm', '--storm-mode', 'restart', '--storm-at', '20s', '--storm-count', '3', '--storm-every', '40s', '--storm-down', '2s', '--duration', '3m', '--threshold', 'storm_to99<30s');
    expect(o.storm).toEqual({ mode: 'restart', atMs: 20_000, count: 3, everyMs: 40_000, downMs: 2000 });
    expect(o.thresholds.map((t) => t.metric)).toEqual(['storm_to99']);
  });

  it('bad values and combinations: a clear message naming the flag, exit 2', async () => {
    expect(await fails('run', '--scenario', 'flood')).toMatch(/Invalid values:[\s\S]*scenario.*"flood"/);
    expect(await fails('run', '--scenario', 'storm', '--storm-mode', 'unplug')).toMatch(/storm-mode.*"unplug"/);
    expect(await fails('run', '--scenario', 'storm', '--storm-at', '30')).toMatch(/--storm-at: expected a duration with a unit/);
    expect(await fails('run', '--scenario', 'storm', '--storm-count', '0')).toMatch(/--storm-count: expected a storm count \(a whole number >= 1\); got "0"/);
    expect(await fails('run', '--scenario', 'storm', '--storm-count', '2', '--storm-every', '0s')).toMatch(/--storm-every: must be longer than 0/);
    expect(await fails('run', '--storm-at', '10s')).toMatch(/--storm-at: only with --scenario storm/);
    expect(await fails('run', '--threshold', 'storm_to100<1m')).toMatch(/--threshold storm_to100<1m: storm metrics need --scenario storm/);
    expect(await fails('run', '--scenario', 'storm', '--storm-mode', 'restart', '--url', 'http://127.0.0.1:3000')).toMatch(/--storm-mode restart: fleetwire-sim can only restart the mock backend it starts itself/);
    expect(await fails('run', '--scenario', 'storm', '--storm-down', '2s')).toMatch(/--storm-down: only with --storm-mode restart/);
    expect(await fails('run', '--scenario', 'storm', '--duration', '20s')).toMatch(/the storm \(--storm-at 30 s\) would not come before the run ends \(--duration 20 s\)/);
    expect(await fails('run', '--scenario', 'storm', '--storm-at', '5s', '--storm-count', '3', '--storm-every', '10s', '--duration', '25s')).toMatch(/the last storm \(--storm-at \+ 2 × --storm-every = 25 s\)/);
  });
});
