/**
 * Prometheus metrics of the mock backend (prom-client), served at /metrics on
 * the admin port. One Registry per backend (not the global one) so several
 * backends in one test process do not collide. Gauges and totals that already
 * exist as plain counters in the servers and the state are read at scrape time
 * (`collect`). The per-message path touches no prom-client object (issue 16):
 * messages are plain numbers in a Tally (fleet's kept by the FleetServer itself,
 * no per-socket onAny/onAnyOutgoing hooks), folded into the counter on scrape,
 * and ack latency goes into a preallocated BatchedHistogram series.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { DIALECTS, type ConnectionTracker, type DialectName } from '../faults/connections.js';
import { BatchedHistogram, type HistogramSeries } from './batched-histogram.js';
import { Tally } from './tally.js';
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

/** Tally key of one plain-WebSocket dialect message: `dialect|direction|type`. */
const keyOf = (dialect: DialectName, direction: Direction, type: string) => `${dialect}|${direction}|${type}`;

export class BackendMetrics {
  readonly registry = new Registry();
  readonly messages: Counter<'dialect' | 'direction' | 'type'>;
  readonly ackLatency: BatchedHistogram;
  /** Connections closed because their handler threw (1011), per dialect. */
  readonly handlerErrors: Counter<'dialect'>;
  /** Peers closed because they stopped reading (send buffer over its bound, 1013), per dialect. */
  readonly slowConsumers: Counter<'dialect'>;
  /** Plain-WebSocket dialects' messages (fleet's are in FleetServer.traffic). */
  private readonly tally = new Tally();
  private readonly hbLatency: HistogramSeries;
  /** Where /metrics text comes from instead of this registry (a cluster worker asks the primary for every worker's sum). */
  aggregate: (() => Promise<string>) | null = null;

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
    const tally = this.tally;
    this.messages = new Counter({
      name: 'fleetwire_mock_messages_total',
      help: 'Messages received (in) and sent (out) per dialect and message type',
      labelNames: ['dialect', 'direction', 'type'],
      registers,
      // Folded from the plain counts at scrape time: totals only grow, so the reset is invisible to Prometheus.
      collect() {
        this.reset();
        for (const [key, n] of tally.entries()) {
          const [dialect, direction, type] = key.split('|') as [string, string, string];
          this.inc({ dialect, direction, type }, n);
        }
        const fleet = src.fleet();
        if (!fleet) return;
        for (const direction of ['in', 'out'] as const) {
          for (const [type, n] of fleet.traffic[direction].entries()) this.inc({ dialect: 'fleet', direction, type }, n);
        }
      },
    });
    this.ackLatency = new BatchedHistogram({
      name: 'fleetwire_mock_ack_latency_seconds',
      help: 'Time from receipt of an acked fleet message to its ack (injected delay included)',
      labelName: 'event',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.hbLatency = this.ackLatency.series('heartbeat');
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
      // In cluster mode only the home worker holds the fleet state (the others read 0): not a per-worker quantity to add up.
      aggregator: 'max',
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
      aggregator: 'max',
      collect() {
        this.set(src.fleetState.summary().runningRentals);
      },
    });
  }

  /** Counts `n` (default 1) plain-WebSocket messages: a plain number, folded into the counter on scrape. */
  count(dialect: DialectName, direction: Direction, type: string, n = 1): void {
    this.tally.add(keyOf(dialect, direction, type), n);
  }

  /** One handler exception in `dialect` (its connection was closed with 1011). */
  slowConsumer(dialect: DialectName): void {
    this.slowConsumers.inc({ dialect });
  }

  handlerError(dialect: DialectName): void {
    this.handlerErrors.inc({ dialect });
  }

  /** FleetServer hook: one success ack sent after `ms` (the FleetServer counts the ack message itself). */
  acked(event: string, ms: number): void {
    if (event === 'heartbeat') this.hbLatency.observe(ms / 1000);
    else this.ackLatency.observe(event, ms / 1000);
  }

  /** The text exposition format. */
  text(): Promise<string> {
    return this.aggregate ? this.aggregate() : this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
