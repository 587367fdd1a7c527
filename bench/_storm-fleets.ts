/**
 * The two fleets bench/storm.ts compares, one slice of agents each (run in
 * bench/storm-child.ts, one child process per ≤ 15,000 agents: a process holds
 * 20,000 open files here): fleetwire-sim's FleetSlice, and raw socket.io-client
 * sockets with socket.io-client's default reconnect. Both keep their storm
 * figures in the simulator's StormBook, so both are measured the same way.
 */
import { io, type Socket } from 'socket.io-client';
import { FleetPlan } from '../packages/simulator/src/model/fleet-plan.js';
import { FleetSlice } from '../packages/simulator/src/run/fleet-slice.js';
import { StormBook } from '../packages/simulator/src/run/storm-book.js';
import { PairAgent, SourcePool, type SourcePairs } from '../packages/simulator/src/transport/source-pool.js';
import { Report } from '../packages/simulator/src/report/report.js';
import { sampleMetrics } from '../test-support/index.js';

export type Variant = 'sim' | 'raw';

/** One slice: agents [start, end) of the plan, against url. */
export interface SliceSpec {
  variant: Variant;
  url: string;
  seed: string;
  agents: number;
  start: number;
  end: number;
  /** First connections per second (this slice's share). */
  ramp: number;
  heartbeatS: number;
  /** Source (address, port) pairs of the whole fleet (the slice uses its agents' share); null = the OS picks. */
  sources: SourcePairs | null;
  /** fleetwire-sim's first backoff ceiling, ms; null: the SDK's default. */
  reconnectInitialMs?: number | null;
}

/** What both variants look like to the storm driver. */
export interface Fleet {
  connected(): number;
  /** The storm's bookkeeping (re-admissions, attempts). */
  book: StormBook;
  report: Report;
  /** Drops every agent's connection from the agent side, at once (partition). */
  dropAll(): void;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const reportFor = (s: SliceSpec) =>
  new Report({ dialect: 'fleet', seed: s.seed, fleetAgents: s.agents, shards: [`${s.start}-${s.end}`], startedAt: new Date().toISOString(), endedAt: new Date().toISOString() });

export function startFleet(s: SliceSpec): Fleet {
  return s.variant === 'sim' ? simFleet(s) : rawFleet(s);
}

/** fleetwire-sim's agents: the SDK's FleetAgent (full-jitter backoff) over the simulator's transport, first connections through the RampGate. */
function simFleet(s: SliceSpec): Fleet {
  const report = reportFor(s);
  const slice = new FleetSlice({
    url: s.url,
    plan: new FleetPlan({ seed: s.seed, agents: s.agents, gpus: 4 }),
    start: s.start,
    end: s.end,
    rampPerSec: s.ramp,
    heartbeatIntervalMs: s.heartbeatS * 1000,
    chaos: { disconnectRate: 0, flapShare: 0, flapPeriodMs: 10_000, slowAck: null, malformedShare: 0 },
    seed: s.seed,
    report,
    storms: true,
    ...(s.sources ? { sources: s.sources } : {}),
    ...(s.reconnectInitialMs ? { backoff: { initialDelayMs: s.reconnectInitialMs } } : {}),
  });
  slice.start();
  return {
    connected: () => slice.connectedCount,
    book: slice.stormBook!,
    report,
    dropAll: () => {
      for (const a of slice.agents) a.drop();
    },
    stop: () => slice.stop(),
  };
}

/**
 * Raw socket.io-client agents: the default reconnect, a heartbeat on every
 * connect and every `heartbeatS` (acked), answering the commands. The first
 * connections go at the same ramp as the simulator's.
 */
function rawFleet(s: SliceSpec): Fleet {
  const report = reportFor(s);
  const plan = new FleetPlan({ seed: s.seed, agents: s.agents, gpus: 4 });
  const book = new StormBook(report);
  const sockets: Socket[] = [];
  const n = s.end - s.start;
  const epochs = new Int32Array(n);
  let connected = 0;
  const metrics = sampleMetrics();
  const agent = s.sources ? new PairAgent(new SourcePool(s.sources, s.start, s.end)) : null;
  const add = (k: number) => {
    const { key, nodeId } = plan.agent(s.start + k);
    const sock = io(`${s.url}/fleet`, {
      transports: ['websocket'],
      forceNew: true,
      // socket.io-client's defaults, spelled out: this is the baseline being measured.
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5,
      extraHeaders: { Authorization: `Bearer ${key}` },
      auth: { token: key, nodeId },
      // The same pairs as fleetwire-sim's, through socket.io-client's own `agent` option (ws hands it to http.request).
      ...(agent ? { agent: agent as unknown as string } : {}),
    });
    sock.on('connect', () => {
      connected++;
      epochs[k] = book.up();
      sock.emit('heartbeat', { nodeId, status: 'online', metrics }, () => undefined);
    });
    sock.on('disconnect', () => {
      connected--;
      book.down(epochs[k]!);
    });
    sock.io.on('reconnect_attempt', () => book.attempt(0));
    sock.io.on('reconnect_error', () => book.failed());
    for (const e of ['start_instance', 'stop_instance', 'drain_node']) sock.on(e, (_p: unknown, ack?: (r: unknown) => void) => ack?.({ ok: false }));
    sockets.push(sock);
  };
  let next = 0;
  const perTick = Math.max(1, Math.round(s.ramp / 100));
  const ramp = setInterval(() => {
    for (let k = 0; k < perTick && next < n; k++) add(next++);
    if (next >= n) clearInterval(ramp);
  }, 10);
  // One timer for every heartbeat (not one per agent), spreading them over the interval.
  let hbAt = 0;
  const hbTimer = setInterval(() => {
    const count = Math.ceil(sockets.length / (s.heartbeatS * 10));
    for (let k = 0; k < count && sockets.length > 0; k++) {
      const sock = sockets[hbAt++ % sockets.length]!;
      if (sock.connected) sock.emit('heartbeat', { nodeId: (sock.auth as { nodeId: string }).nodeId, status: 'online', metrics }, () => undefined);
    }
  }, 100);
  return {
    connected: () => connected,
    book,
    report,
    dropAll() {
      // The engine's close is the path a network failure takes: socket.io-client then reconnects by its policy.
      for (const sock of sockets) if (sock.connected) sock.io.engine.close();
    },
    async stop() {
      clearInterval(ramp);
      clearInterval(hbTimer);
      for (const sock of sockets) sock.close();
      await sleep(50);
    },
  };
}
