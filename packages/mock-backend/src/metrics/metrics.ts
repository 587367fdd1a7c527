/**
 * Prometheus metrics of the mock backend (prom-client), served at /metrics on
 * the admin port. One Registry per backend (not the global one) so several
 * backends in one test process do not collide. Gauges and totals that already
 * exist as plain counters in the servers and the state are read at scrape time
 * (`collect`), so the hot path pays only for what has no counter yet:
 * messages per type and the ack latency histogram.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Namespace } from 'socket.io';
import { DIALECTS, type ConnectionTracker, type DialectName } from '../faults/connections.js';
import type { FleetServer } from '../fleet/server.js';
import type { FleetState } from '../state/fleet.js';

export type Direction = 'in' | 'out';

/** Counters a dialect server keeps itself; `open` null means "count the tracker's sockets". */
export interface DialectCounts {
  authFailures: number;
  protocolErrors: number;
  open: number | null;
}

export interface MetricSources {
  tracker: ConnectionTracker;
  fleetState: FleetState;
  fleet: () => FleetServer | null;
  /** Read at scrape time. */
  dialects?: () => Partial<Record<DialectName, DialectCounts>>;
}

type Child = ReturnType<Counter<'dialect' | 'direction' | 'type'>['labels']>;

export class BackendMetrics {
  readonly registry = new Registry();
  readonly messages: Counter<'dialect' | 'direction' | 'type'>;
  readonly ackLatency: Histogram<'event'>;
  /** Connections closed because their handler threw (1011), per dialect. */
  readonly handlerErrors: Counter<'dialect'>;
  /** Peers closed because they stopped reading (send buffer over its bound, 1013), per dialect. */
  readonly slowConsumers: Counter<'dialect'>;
  private readonly children = new Map<string, Child>();
  private readonly hbLatency: ReturnType<Histogram<'event'>['labels']>;

  constructor(src: MetricSources) {
    const registers = [this.registry];
    new Gauge({
      name: 'fleetwire_mock_open_connections',
      help: 'Open (upgraded) connections per dialect',
      labelNames: ['dialect'],
      registers,
      collect() {
        const own = src.dialects?.() ?? {};
        for (const d of DIALECTS) this.set({ dialect: d }, own[d]?.open ?? src.tracker.count(d));
      },
    });
    this.messages = new Counter({
      name: 'fleetwire_mock_messages_total',
      help: 'Messages received (in) and sent (out) per dialect and message type',
      labelNames: ['dialect', 'direction', 'type'],
      registers,
    });
    this.ackLatency = new Histogram({
      name: 'fleetwire_mock_ack_latency_seconds',
      help: 'Time from receipt of an acked fleet message to its ack (injected delay included)',
      labelNames: ['event'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.hbLatency = this.ackLatency.labels({ event: 'heartbeat' });
    this.handlerErrors = new Counter({
      name: 'fleetwire_mock_handler_errors_total',
      help: 'Exceptions thrown by a dialect message handler; each closed its one connection (1011), never the process',
      labelNames: ['dialect'],
      registers,
    });
    for (const d of DIALECTS) this.handlerErrors.inc({ dialect: d }, 0); // present at 0, so alerts can watch it from the start
    this.slowConsumers = new Counter({
      name: 'fleetwire_mock_slow_consumer_closes_total',
      help: 'Connections closed (1013) because the peer stopped reading and its send buffer passed maxBufferedBytes',
      labelNames: ['dialect'],
      registers,
    });
    for (const d of DIALECTS) this.slowConsumers.inc({ dialect: d }, 0);
    new Counter({
      name: 'fleetwire_mock_auth_failures_total',
      help: 'Refused authentications per dialect (bad keys and injected refusals)',
      labelNames: ['dialect'],
      registers,
      collect() {
        this.reset();
        const own = src.dialects?.() ?? {};
        for (const d of DIALECTS) {
          const fromServer = d === 'fleet' ? (src.fleet()?.counters.authFailures ?? 0) : (own[d]?.authFailures ?? 0);
          this.inc({ dialect: d }, fromServer + src.tracker.refused[d]);
        }
      },
    });
    new Counter({
      name: 'fleetwire_mock_protocol_errors_total',
      help: 'Messages that failed validation, per dialect',
      labelNames: ['dialect'],
      registers,
      collect() {
        this.reset();
        const own = src.dialects?.() ?? {};
        for (const d of DIALECTS) this.inc({ dialect: d }, d === 'fleet' ? (src.fleet()?.counters.protocolErrors ?? 0) : (own[d]?.protocolErrors ?? 0));
      },
    });
    new Gauge({
      name: 'fleetwire_mock_nodes',
      help: 'Fleet nodes by state (online/offline by connection; busy/maintenance as reported by online agents)',
      labelNames: ['state'],
      registers,
      collect() {
        const s = src.fleetState.summary();
        this.set({ state: 'online' }, s.online);
        this.set({ state: 'offline' }, s.offline);
        this.set({ state: 'busy' }, s.busy);
        this.set({ state: 'maintenance' }, s.maintenance);
      },
    });
    new Gauge({
      name: 'fleetwire_mock_running_rentals',
      help: 'Rentals whose last known state is running',
      registers,
      collect() {
        this.set(src.fleetState.summary().runningRentals);
      },
    });
  }

  /** Counts `n` (default 1) messages; label children are cached so the hot path does no label hashing. */
  count(dialect: DialectName, direction: Direction, type: string, n = 1): void {
    const key = `${dialect}|${direction}|${type}`;
    let c = this.children.get(key);
    if (!c) {
      c = this.messages.labels({ dialect, direction, type });
      this.children.set(key, c);
    }
    c.inc(n);
  }

  /** One handler exception in `dialect` (its connection was closed with 1011). */
  slowConsumer(dialect: DialectName): void {
    this.slowConsumers.inc({ dialect });
  }

  handlerError(dialect: DialectName): void {
    this.handlerErrors.inc({ dialect });
  }

  /** FleetServer hook: one success ack sent after `ms`. */
  acked(event: string, ms: number): void {
    this.count('fleet', 'out', `ack:${event}`);
    if (event === 'heartbeat') this.hbLatency.observe(ms / 1000);
    else this.ackLatency.observe({ event }, ms / 1000);
  }

  /** Counts every event in and out of the fleet namespace (acks are counted by `acked`). */
  watchFleet(nsp: Namespace): void {
    nsp.on('connection', (socket) => {
      socket.onAny((event: string) => this.count('fleet', 'in', event));
      socket.onAnyOutgoing((event: string) => this.count('fleet', 'out', event));
    });
  }

  /** The text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
