/**
 * Explicit (source address, source port) pairs for agents' sockets.
 *
 * Why not let the kernel pick the port: Linux's port choice is a scan. A
 * connect() without a bound port walks the ephemeral range from a per-
 * destination offset, even ports first; once about half the range (~14,000
 * ports here) is taken towards one destination, every further connect() walks
 * the whole even half before it finds an odd port. A bind() to an address with
 * port 0 scans too, against every port bound on any address. Measured on this
 * box (Linux 6.18): ~50 µs of system time per connect up to 14,000 sockets,
 * then 520 µs; with four bound source addresses, 2–3 ms per connect past
 * 10,000. That, not the control plane, is what slowed a 100k ramp to ~50/s.
 * Binding a port we chose ourselves is one hash lookup: ~50 µs flat at 19,000.
 *
 * So past ~12,000 connections (source-addresses.ts) the simulator binds each
 * socket to a pair from its own pool. Ports come from below the ephemeral
 * range (10000–32767 here), so the box's other programs keep the whole
 * ephemeral range for their own connections (a port bound explicitly is one
 * the kernel will not pick for anyone's connect()).
 *
 * Each slice owns two pairs per agent, numbered from its agents' global
 * indices: slices, worker threads, processes and shards on one box never share
 * a pair. The free pairs are a FIFO: a pair whose socket just closed (in
 * TIME_WAIT if this side closed first) goes to the back and is taken again
 * only after every other free pair, so a fleet that reconnects all at once
 * (a partition storm) dials from pairs that are at rest.
 */

import http from 'node:http';
import net from 'node:net';

export interface SourcePairs {
  /** Addresses to bind, in order; pair k uses address ⌊k / portsPerAddress⌋ (mod the list). */
  addresses: readonly string[];
  /** Inclusive port range on each address. */
  ports: readonly [number, number];
}

/** A bound pair: the `localAddress` / `localPort` options of net.connect (and ws). */
export interface SourcePair {
  readonly localAddress: string;
  readonly localPort: number;
  /** The pair's number in the pool. */
  readonly k: number;
}

export class SourcePool {
  private readonly perAddress: number;
  private readonly ring: Int32Array;
  private head = 0;
  private size: number;

  /**
   * The pool of pairs [2·start, 2·end): two per agent of the global indices
   * [start, end). Pairs wrap round `addresses × ports` when there are fewer
   * (the caller warns: slices may then share pairs and see EADDRINUSE).
   */
  constructor(
    private readonly pairs: SourcePairs,
    start: number,
    end: number,
  ) {
    const [lo, hi] = pairs.ports;
    if (pairs.addresses.length === 0) throw new Error('SourcePool: no addresses');
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi <= 65535 && lo <= hi)) throw new Error(`SourcePool: bad port range ${lo}-${hi}`);
    this.perAddress = hi - lo + 1;
    const n = Math.max(0, 2 * (end - start));
    this.ring = new Int32Array(n);
    const capacity = this.perAddress * pairs.addresses.length;
    for (let i = 0; i < n; i++) this.ring[i] = (2 * start + i) % capacity;
    this.size = n;
  }

  /** Free pairs right now. */
  get free(): number {
    return this.size;
  }

  /** The next free pair, or null when every pair is in use (the kernel then picks the port). */
  take(): SourcePair | null {
    if (this.size === 0) return null;
    const k = this.ring[this.head]!;
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    return this.pair(k);
  }

  /** A pair back to the pool, behind every other free pair. */
  release(p: SourcePair): void {
    if (this.size === this.ring.length) return; // not one of ours (or released twice): ignore rather than overwrite
    this.ring[(this.head + this.size) % this.ring.length] = p.k;
    this.size++;
  }

  /**
   * A TCP connection from the next free pair, in the shape of the
   * `createConnection` option of ws and http (the kernel picks the port when no
   * pair is free); the pair comes back once the socket has closed. Every way the
   * simulator dials goes through here: the lean transport and the ws dialects as
   * ws's `createConnection`, socket.io-client through {@link PairAgent}.
   */
  readonly connect = (options: http.ClientRequestArgs): net.Socket => {
    // `path` in an http/ws options object is the request path; to net it would mean a Unix socket (ws's own netConnect does this too).
    const tcp = { ...options, path: options.socketPath } as unknown as net.NetConnectOpts;
    const src = this.take();
    if (src === null) return net.connect(tcp);
    const socket = net.connect({ ...tcp, localAddress: src.localAddress, localPort: src.localPort } as net.NetConnectOpts);
    socket.once('close', () => this.release(src));
    return socket;
  };

  private pair(k: number): SourcePair {
    const a = this.pairs.addresses;
    return { localAddress: a[Math.floor(k / this.perAddress) % a.length]!, localPort: this.pairs.ports[0] + (k % this.perAddress), k };
  }
}

/**
 * An http.Agent whose connections come from {@link SourcePool.connect}: for a
 * client that takes an `agent` but no `createConnection` (socket.io-client,
 * whose engine.io-client hands `agent` to ws). One agent serves a whole slice;
 * every upgraded socket leaves it at once.
 */
export class PairAgent extends http.Agent {
  constructor(private readonly pool: SourcePool) {
    super({ keepAlive: false });
  }

  override createConnection(options: http.ClientRequestArgs): net.Socket {
    return this.pool.connect(options);
  }
}
