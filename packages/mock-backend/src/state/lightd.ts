/**
 * lightd state: simulated containers and console tokens, separate from the
 * sockets. A container walks the document's state sequence
 * (installing → installed → starting → running → stopping → exit) on timers,
 * keeps its console history for `request_logs`, and emits stats only when a
 * value changed. Commands get canned answers — nothing is ever executed.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import type { lightd } from '@fleetwire/sdk';

type State = lightd.ContainerState;
type Stats = lightd.StatsFields;

export interface ContainerEvents {
  state: (s: State) => void;
  console: (data: string) => void;
  daemon_message: (data: string) => void;
  stats: (s: Stats) => void;
}

export interface ContainerOptions {
  /** Initial state. Default `installed` (ready to start). */
  state?: State;
  /** Delay between steps of a state sequence, ms. Default 50. */
  stepMs?: number;
  /** Console lines kept for request_logs. Default 1000. */
  historyLines?: number;
  /** Memory limit in bytes. Default 512 MiB. */
  memoryLimit?: number;
}

const ZERO_STATS = { cpu_usage: 0, memory_usage: 0, network_rx: 0, network_tx: 0, block_read: 0, block_write: 0 };

export class SimContainer extends EventEmitter<ContainerEvents> {
  state: State;
  stats: Stats;
  readonly history: string[] = [];
  readonly commands: string[] = [];
  private readonly stepMs: number;
  private readonly historyLines: number;
  private timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    readonly id: string,
    options: ContainerOptions = {},
  ) {
    super();
    this.state = options.state ?? 'installed';
    this.stepMs = options.stepMs ?? 50;
    this.historyLines = options.historyLines ?? 1000;
    this.stats = { ...ZERO_STATS, memory_limit: options.memoryLimit ?? 512 * 1024 * 1024 };
  }

  setState(s: State): void {
    this.state = s;
    this.emit('state', s);
  }

  /** Console output (kept in the history for request_logs). */
  console(data: string): void {
    this.history.push(data);
    if (this.history.length > this.historyLines) this.history.splice(0, this.history.length - this.historyLines);
    this.emit('console', data);
  }

  daemon(message: string): void {
    this.emit('daemon_message', message);
  }

  /** Merges `partial` into the stats; emits only when some value changed. Returns whether it did. */
  setStats(partial: Partial<Stats>): boolean {
    const next = { ...this.stats, ...partial };
    if (sameStats(next, this.stats)) return false;
    this.stats = next;
    this.emit('stats', next);
    return true;
  }

  /** The history as one string, as the `logs` event carries it. */
  logs(): string {
    return this.history.join('');
  }

  /** Runs the install sequence: installing → installed. */
  install(): void {
    this.run([() => this.setState('installing'), () => this.console('[installer] pulling image\n'), () => this.setState('installed')]);
  }

  power(action: lightd.PowerAction): void {
    const active = this.state === 'running' || this.state === 'starting';
    if (action === 'start') {
      if (active) return this.daemon('Error: container is already running');
      if (this.state === 'installing') return this.daemon('Error: container is still installing');
      return this.run(this.startSteps('Server started'));
    }
    if (!active && this.state !== 'stopping') return this.daemon('Error: container is not running');
    if (action === 'kill') return this.run([() => (this.setState('exit'), this.daemon('Container stopped'))]);
    if (action === 'stop') return this.run(this.stopSteps());
    this.run([() => this.setState('stopping'), () => this.setState('exit'), ...this.startSteps('Container restarted')]);
  }

  /** A console command: echoed, then a canned answer from the simulated game/server process. */
  command(raw: string): void {
    const cmd = raw.replace(/\r?\n$/, '');
    this.commands.push(cmd);
    if (this.state !== 'running') return this.daemon('Error: container is not running');
    this.console(`> ${cmd}\n`);
    const [word, ...rest] = cmd.trim().split(/\s+/);
    if (word === 'echo' || word === 'say') return this.console(`${rest.join(' ').replace(/^(['"])(.*)\1$/, '$2')}\n`);
    if (word === 'help') return this.console('Available commands: echo, say, help, list, stop\n');
    if (word === 'list') return this.console('There are 0 players online\n');
    if (word === 'stop') return this.power('stop');
    this.console(`Unknown command: ${word ?? ''}\n`);
  }

  /** Cancels pending steps (shutdown). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.removeAllListeners();
  }

  /**
   * `done` is the daemon message that goes with reaching `running`. It is sent in
   * the same step as the state: a client that reacts to `running` (e.g. with a
   * stop) must not cancel a message that belongs to the state it already saw.
   */
  private startSteps(done: string): (() => void)[] {
    return [
      () => this.setState('starting'),
      () => (this.daemon('Container started'), this.console('[server] booting\n')),
      // "Running (Pattern Matched)": the done-line appears, then the state follows.
      () => (this.console('Server started\n'), this.setState('running'), this.daemon(done)),
    ];
  }

  private stopSteps(): (() => void)[] {
    return [() => this.setState('stopping'), () => this.console('[server] shutting down\n'), () => (this.setState('exit'), this.daemon('Container stopped'))];
  }

  /** Runs steps one per `stepMs`, the first at once; a new sequence cancels the rest of an old one. */
  private run(steps: (() => void)[]): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const next = (i: number) => {
      if (i >= steps.length) return;
      steps[i]!();
      if (i + 1 < steps.length) {
        const t = setTimeout(() => (this.timers.delete(t), next(i + 1)), this.stepMs);
        t.unref();
        this.timers.add(t);
      }
    };
    next(0);
  }
}

export function sameStats(a: Stats, b: Stats): boolean {
  return (
    a.cpu_usage === b.cpu_usage &&
    a.memory_usage === b.memory_usage &&
    a.memory_limit === b.memory_limit &&
    a.network_rx === b.network_rx &&
    a.network_tx === b.network_tx &&
    a.block_read === b.block_read &&
    a.block_write === b.block_write
  );
}

export interface TokenRecord {
  token: string;
  /** Container the token opens; undefined = any. */
  internalId?: string;
  /** Epoch ms; null = never. */
  expiresAt: number | null;
  /** lightd's `remove_on_use`: consumed by its first successful connection. */
  singleUse: boolean;
  used: boolean;
}

export interface TokenOptions {
  internalId?: string;
  /** Lifetime from now, ms. Default: never expires. */
  ttlMs?: number;
  /** Default false. */
  singleUse?: boolean;
  /** Use this exact string instead of a random `lightd_…` one. */
  token?: string;
}

export type TokenCheck = { ok: true; record: TokenRecord } | { ok: false; reason: string };

export class LightdState {
  readonly containers = new Map<string, SimContainer>();
  readonly tokens = new Map<string, TokenRecord>();

  createContainer(id: string, options?: ContainerOptions): SimContainer {
    const existing = this.containers.get(id);
    if (existing) return existing;
    const c = new SimContainer(id, options);
    this.containers.set(id, c);
    return c;
  }

  createToken(options: TokenOptions = {}): TokenRecord {
    const rec: TokenRecord = {
      token: options.token ?? `lightd_${randomBytes(16).toString('hex')}`,
      internalId: options.internalId,
      expiresAt: options.ttlMs === undefined ? null : Date.now() + options.ttlMs,
      singleUse: options.singleUse ?? false,
      used: false,
    };
    this.tokens.set(rec.token, rec);
    return rec;
  }

  /** Checks a token for a container without consuming it. */
  check(token: string | null, internalId: string, now = Date.now()): TokenCheck {
    const rec = token ? this.tokens.get(token) : undefined;
    if (!rec) return { ok: false, reason: 'unknown token' };
    if (rec.internalId !== undefined && rec.internalId !== internalId) return { ok: false, reason: 'token is for another container' };
    if (rec.expiresAt !== null && rec.expiresAt <= now) return { ok: false, reason: 'token expired' };
    if (rec.singleUse && rec.used) return { ok: false, reason: 'single-use token already used' };
    return { ok: true, record: rec };
  }

  /** Marks a token used by a successful connection (a single-use one is refused from then on). */
  consume(rec: TokenRecord): void {
    rec.used = true;
  }

  /** Makes a token expire now (sessions using it are closed by the server's next check). */
  expire(token: string): boolean {
    const rec = this.tokens.get(token);
    if (!rec) return false;
    rec.expiresAt = Date.now();
    return true;
  }

  dispose(): void {
    for (const c of this.containers.values()) c.dispose();
  }
}
