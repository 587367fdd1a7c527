/**
 * Chaos at the socket: a socket.io-client factory (FleetAgent's `io` option)
 * whose sockets deliver ack callbacks late (slow agents) and now and then send
 * a heartbeat with a broken payload (malformed frames). It patches `emit` on
 * the one socket it made — FleetAgent's `emitWithAck` goes through `emit` too —
 * so the SDK runs unchanged and sees what a slow or buggy agent would.
 */
import type { IoFactory, IoOptions } from '@fleetwire/sdk';
import { io as defaultIo } from 'socket.io-client';
import type { Rng } from '../model/rng.js';

/** What one agent's socket does wrong. */
export interface SocketChaos {
  /** Ack callbacks run this many ms after the ack arrived; 0 = on time. */
  ackDelayMs: number;
  /** Probability that a heartbeat goes out malformed. */
  malformedShare: number;
  /** Draws the malformed decisions (the agent's own chaos stream, so a seed replays them). */
  rng: Rng;
  onSlowAck?: () => void;
  onMalformed?: () => void;
}

type AckFn = ((...args: unknown[]) => void) & { withError?: boolean };

/**
 * A factory making sockets with `chaos` applied. Returns `base` itself when
 * there is nothing to do, so healthy agents pay nothing.
 * @param base the real factory (the slice's transport: lean or socket.io-client); default socket.io-client's `io`
 */
export function chaosIo(chaos: SocketChaos, base: IoFactory = defaultIo as unknown as IoFactory): IoFactory {
  if (chaos.ackDelayMs <= 0 && chaos.malformedShare <= 0) return base;
  return (url: string, options: IoOptions) => {
    const socket = base(url, options);
    const emit = socket.emit.bind(socket) as (ev: string, ...args: unknown[]) => typeof socket;
    (socket as unknown as { emit: (ev: string, ...args: unknown[]) => typeof socket }).emit = (ev: string, ...args: unknown[]) => {
      if (ev === 'heartbeat' && chaos.malformedShare > 0 && chaos.rng.chance(chaos.malformedShare)) {
        // Valid JSON, invalid message: the control plane must reject it with an error ack and keep the connection.
        args[0] = { nodeId: (args[0] as { nodeId?: unknown })?.nodeId, status: 'on-fire', metrics: 'not an object' };
        chaos.onMalformed?.();
      }
      const last = args[args.length - 1];
      if (chaos.ackDelayMs > 0 && typeof last === 'function') {
        const ack = last as AckFn;
        const late: AckFn = (...a: unknown[]) => {
          chaos.onSlowAck?.();
          setTimeout(() => ack(...a), chaos.ackDelayMs).unref?.();
        };
        if (ack.withError) late.withError = true;
        args[args.length - 1] = late;
      }
      return emit(ev, ...args);
    };
    return socket;
  };
}
