/**
 * Drives monitor commands when the simulator embeds the mock backend: a
 * seeded stream of `command` (and now and then `docker_command`) messages
 * sent through the backend's monitor server to the simulated agents, each
 * round trip (send → response at the control plane) recorded in an HDR
 * histogram. A real control plane sends its own commands, so this runs only
 * against the embedded backend — like the fleet RentalDriver.
 */
import type { MockBackend } from '@fleetwire/mock-backend';
import { ErrorCodes } from '@fleetwire/sdk';
import { Rng, type Seed } from '../model/rng.js';
import { LatencyHistogram } from '../report/histogram.js';

type MonitorServer = NonNullable<MockBackend['servers']['monitor']>;

export interface CommandDriverOptions {
  monitor: Pick<MonitorServer, 'sendCommand' | 'sendDockerCommand'>;
  /** The server_ids commands go to (drawn uniformly); the embedded backend pins each agent's key to its nodeId. */
  serverIds: readonly string[];
  /** Commands per minute over the whole fleet. 0 = none. */
  perMinute: number;
  seed: Seed;
  /** How long the control plane waits for a response, ms. Default 10000. */
  timeoutMs?: number;
}

/** What the driver has done; `rtt` is the round-trip histogram of the answered ones. */
export interface CommandDriverCounts {
  sent: number;
  answered: number;
  /** Not sent: the agent was not connected at that moment (chaos). */
  undelivered: number;
  /** Sent but not answered in time, or answered for the wrong command. */
  failed: number;
}

/** What the drawn commands are; all have a simulated output (model/commands.ts). */
const COMMANDS = ['uptime', 'hostname', 'nvidia-smi', 'free -m', 'df -h', 'docker ps', 'echo fleetwire'] as const;
const DOCKER_ACTIONS = ['restart', 'stop', 'start'] as const;
const CONTAINERS = ['web', 'db', 'worker'] as const;

export class CommandDriver {
  readonly counts: CommandDriverCounts = { sent: 0, answered: 0, undelivered: 0, failed: 0 };
  readonly rtt = new LatencyHistogram();
  private readonly rng: Rng;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly o: CommandDriverOptions) {
    this.rng = new Rng(o.seed).fork('commands');
  }

  start(): void {
    if (this.o.perMinute > 0 && this.o.serverIds.length > 0) this.next();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private next(): void {
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      void this.sendOne();
      this.next();
    }, this.rng.exponential(60_000 / this.o.perMinute));
    this.timer.unref?.();
  }

  /** Sends one drawn command now and resolves when it is answered or failed. Also what tests call. */
  async sendOne(): Promise<void> {
    const r = this.rng;
    const serverId = r.pick(this.o.serverIds);
    const docker = r.chance(0.2);
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    const t0 = performance.now();
    try {
      if (docker) await this.o.monitor.sendDockerCommand(serverId, r.pick(DOCKER_ACTIONS), r.pick(CONTAINERS), { timeoutMs });
      else await this.o.monitor.sendCommand(serverId, r.pick(COMMANDS), { timeoutMs });
      this.counts.sent++;
      this.counts.answered++;
      this.rtt.record(performance.now() - t0);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === ErrorCodes.FW_NOT_CONNECTED) this.counts.undelivered++;
      else if (code !== ErrorCodes.FW_CLOSED || !this.stopped) {
        this.counts.sent++;
        this.counts.failed++;
      }
    }
  }
}
