/**
 * Chaos and source addresses for the plain-WebSocket dialects (monitor,
 * vstats): a WebSocket constructor (the SDK agents' `WebSocket` option) over
 * the `ws` package that binds a local address, keeps the agent's current
 * socket so the simulator can drop it like a network failure would, and now
 * and then replaces an outgoing metrics frame with a schema-invalid one.
 *
 * The SDK runs unchanged: it sees a socket that closed with 1006, or a server
 * `error` reply to a bad frame, exactly as it would from a broken network or
 * a buggy agent. (The SDK's WsClient has no `dropConnection()` like
 * FleetAgent's; this is the socket-level equivalent.)
 */
import type { WebSocketConstructor } from '@fleetwire/sdk';
import WebSocket from 'ws';
import type { Rng } from '../model/rng.js';
import type { SourcePool } from '../transport/source-pool.js';

export interface WsChaosOptions {
  /** Source (address, port) pairs to bind, one per connection (source-pool.ts). Default: the OS picks. */
  sources?: SourcePool;
  /** Probability that a metrics frame goes out malformed. Default 0. */
  malformedShare?: number;
  /** Draws the malformed decisions (the agent's own chaos stream). Required when malformedShare > 0. */
  rng?: Rng;
  onMalformed?: () => void;
}

/** One agent's socket factory and a handle on its current socket. */
export interface AgentSocket {
  /** Give this to `new MonitorAgent({ WebSocket })` / `new VStatsAgent({ WebSocket })`. */
  readonly WebSocket: WebSocketConstructor;
  /** Ends the current socket without a close handshake (the agent sees close 1006 and reconnects). False when there is no open socket. */
  drop(): boolean;
}

/** A metrics frame that parses as JSON but fits no schema: the server must count a protocol error and keep going. */
const MALFORMED = '{"type":"metrics","server_id":42,"cpu_percent":"on fire","data":"not an object"}';
const isMetrics = (frame: unknown): boolean => typeof frame === 'string' && frame.startsWith('{"type":"metrics"');

/** A socket factory for one agent with `o` applied. */
export function agentSocket(o: WsChaosOptions = {}): AgentSocket {
  let current: WebSocket | null = null;
  const share = o.malformedShare ?? 0;
  // A plain function used with `new`: returning an object makes that object the result.
  function Ctor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions): WebSocket {
    const ws = new WebSocket(url, protocols, o.sources ? { ...options, createConnection: o.sources.connect } : options);
    current = ws;
    if (share > 0 && o.rng) {
      const rng = o.rng;
      const send = ws.send.bind(ws) as (data: string) => void;
      (ws as unknown as { send: (data: string) => void }).send = (data: string) => {
        // Only metrics frames are drawn for, so other sends do not shift the agent's chaos stream.
        if (isMetrics(data) && rng.chance(share)) {
          o.onMalformed?.();
          return send(MALFORMED);
        }
        send(data);
      };
    }
    return ws;
  }
  return {
    WebSocket: Ctor as unknown as WebSocketConstructor,
    drop() {
      const ws = current;
      if (!ws || ws.readyState !== WebSocket.OPEN) return false;
      ws.terminate();
      return true;
    },
  };
}
