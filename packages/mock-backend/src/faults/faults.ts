/**
 * Fault injection: the state the servers read (refuse auth until, ack delay)
 * and the one-shot actions the admin API triggers (drop, malformed frames,
 * silence). Servers only read `refuseAuth()` and `ackDelayMs`; everything that
 * acts on sockets goes through the ConnectionTracker, so no dialect server
 * needs fault code of its own.
 */
import { ErrorCodes, FleetwireError } from '@fleetwire/sdk';
import { DIALECTS, type ConnectionTracker, type DialectName } from './connections.js';
import type { FleetServer } from '../fleet/server.js';

/** What a malformed frame looks like: not JSON at all, or JSON that fits no message schema. */
export type MalformedKind = 'invalid-json' | 'invalid-schema';

export interface FaultSnapshot {
  /** ISO time until which auth is refused, or null. */
  refuseAuthUntil: string | null;
  /** Ack delay applied to every fleet ack, in ms. */
  ackDelayMs: number;
  /** Connections currently silenced. */
  silenced: number;
}

const MAX_MS = 10 * 60_000;

function bad(message: string): never {
  throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, message);
}

function checkMs(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_MS) bad(`${name} must be a number of ms between 0 and ${MAX_MS}, got ${JSON.stringify(v)}`);
  return v;
}

function checkDialect(v: unknown): DialectName | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !DIALECTS.includes(v as DialectName)) bad(`dialect must be one of ${DIALECTS.join(', ')}, got ${JSON.stringify(v)}`);
  return v as DialectName;
}

export class Faults {
  /** Held before every fleet ack (heartbeats and lifecycle events). Default 0. */
  ackDelayMs = 0;
  private refuseAuthUntilMs = 0;

  constructor(
    private readonly tracker: ConnectionTracker,
    private readonly fleet: () => FleetServer | null,
  ) {}

  /** True while auth is being refused; every dialect that authenticates reads this. */
  refuseAuth(): boolean {
    return this.refuseAuthUntilMs > Date.now();
  }

  /** Refuses every authentication for `ms` from now (0 ends it). */
  refuseAuthFor(ms: unknown): FaultSnapshot {
    this.refuseAuthUntilMs = Date.now() + checkMs('ms', ms);
    return this.snapshot();
  }

  setAckDelay(ms: unknown): FaultSnapshot {
    this.ackDelayMs = checkMs('ms', ms);
    return this.snapshot();
  }

  /** Drops all (fraction 1, the default) or a random fraction of the open connections. */
  drop(opts: { fraction?: unknown; dialect?: unknown } = {}): { dropped: number } {
    const fraction = opts.fraction ?? 1;
    if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) bad(`fraction must be a number from 0 to 1, got ${JSON.stringify(fraction)}`);
    return { dropped: this.tracker.drop(fraction, checkDialect(opts.dialect)) };
  }

  /**
   * Sends one malformed frame on every open connection. Fleet gets a schema-invalid
   * `start_instance` through Socket.IO for 'invalid-schema' (raw bytes would be an
   * Engine.IO parse error, which 'invalid-json' covers).
   */
  malformed(opts: { kind?: unknown; dialect?: unknown } = {}): { sent: number } {
    const kind = opts.kind ?? 'invalid-json';
    if (kind !== 'invalid-json' && kind !== 'invalid-schema') bad(`kind must be 'invalid-json' or 'invalid-schema', got ${JSON.stringify(kind)}`);
    const dialect = checkDialect(opts.dialect);
    let sent = 0;
    const fleet = this.fleet();
    const targets = dialect ? [dialect] : DIALECTS;
    for (const d of targets) {
      if (d === 'fleet') {
        if (kind === 'invalid-json') sent += this.tracker.writeRawText('42/fleet,["start_instance",{"broken', 'fleet');
        else if (fleet) for (const id of fleet.connectedNodes()) if (fleet.sendRaw(id, 'start_instance', { fleetwireFault: 'malformed' })) sent++;
      } else {
        sent += this.tracker.writeRawText(kind === 'invalid-json' ? '{"fleetwireFault": malformed' : '{"fleetwireFault":"malformed"}', d);
      }
    }
    return { sent };
  }

  /** Stops answering pings (and everything else) on the open connections, until clear(). */
  silence(opts: { dialect?: unknown } = {}): { silenced: number } {
    return { silenced: this.tracker.silence(checkDialect(opts.dialect)) };
  }

  /** Ends every lasting fault. */
  clear(): FaultSnapshot {
    this.ackDelayMs = 0;
    this.refuseAuthUntilMs = 0;
    this.tracker.unsilence();
    return this.snapshot();
  }

  snapshot(): FaultSnapshot {
    return {
      refuseAuthUntil: this.refuseAuth() ? new Date(this.refuseAuthUntilMs).toISOString() : null,
      ackDelayMs: this.ackDelayMs,
      silenced: this.tracker.list().filter((t) => t.silenced).length,
    };
  }
}
