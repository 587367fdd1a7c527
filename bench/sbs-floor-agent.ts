/**
 * The floor of bench/simulator-side-by-side.ts: what one socket per agent costs
 * with no library at all — `net` sockets, the WebSocket upgrade and framing
 * written out (RFC 6455, client frames masked with a zero key), Engine.IO /
 * Socket.IO frames as strings (frames.ts), a precomputed payload, one ack
 * table per agent, and the heartbeats of all agents sent from one 10 ms tick
 * (the batching fleetwire-sim's timer wheel does, so wake-ups are not what
 * differs). Nothing a product could ship (no validation, no reconnect, no
 * fragmentation, no close handshake); it is here to measure how much of a
 * heartbeat's CPU is the system calls and Node's net streams, which no Node
 * client on `net` sockets can remove.
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { NamespaceFrames, PONG } from '../packages/simulator/src/transport/frames.js';

/** The handshake and command acks are fleetwire's own strings (frames.ts, checked against socket.io-parser); only the heartbeat is hand-built, with its payload serialised once. */
const FLEET = new NamespaceFrames('/fleet');
const ACK_OK = [{ success: true }] as const;

export interface FloorCounts {
  connected: number;
  acked: number;
}

/**
 * One 10 ms tick for every agent of the process: an agent joins the slot of
 * the moment it connected and is beaten every period from there, like a
 * per-agent setInterval but with one timer.
 */
export class FloorTicker {
  private readonly slots: Set<() => void>[];
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly t0 = performance.now();
  private next = 0;

  constructor(periodMs: number, private readonly tickMs = 10) {
    this.slots = Array.from({ length: Math.ceil(periodMs / tickMs) }, () => new Set());
    this.timer = setInterval(() => this.tick(), tickMs);
  }
  private slotNow(): number {
    return Math.floor((performance.now() - this.t0) / this.tickMs);
  }
  add(beat: () => void): () => void {
    const slot = this.slots[this.slotNow() % this.slots.length]!;
    slot.add(beat);
    return () => slot.delete(beat);
  }
  private tick(): void {
    const now = this.slotNow();
    for (; this.next <= now; this.next++) for (const beat of this.slots[this.next % this.slots.length]!) beat();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Builds one masked (zero key) client text frame: header and payload in one buffer, so one write. */
function frame(text: string): Buffer {
  const len = Buffer.byteLength(text);
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const b = Buffer.allocUnsafe(head + 4 + len);
  b[0] = 0x81;
  if (len < 126) b[1] = 0x80 | len;
  else if (len < 65536) {
    b[1] = 0x80 | 126;
    b.writeUInt16BE(len, 2);
  } else {
    b[1] = 0x80 | 127;
    b.writeBigUInt64BE(BigInt(len), 2);
  }
  b.writeUInt32BE(0, head); // the zero masking key: the payload goes as is
  b.write(text, head + 4);
  return b;
}

export function floorAgent(
  url: string,
  key: string,
  nodeId: string,
  payloadJson: string,
  ticker: FloorTicker,
  counts: FloorCounts,
  onAck: (ms: number) => void,
): Socket {
  const u = new URL(url);
  const s = connect({ host: u.hostname, port: Number(u.port) });
  s.setNoDelay(true);
  const pending = new Map<number, number>();
  let nextId = 0;
  let upgraded = false;
  let buf: Buffer = Buffer.alloc(0);
  let leave: (() => void) | null = null;
  const beat = () => {
    const id = nextId++;
    pending.set(id, performance.now());
    s.write(frame(`42/fleet,${id}["heartbeat",${payloadJson}]`));
  };
  const onText = (t: string) => {
    const c0 = t.charCodeAt(0);
    if (c0 === 0x32 /* 2: ping */) s.write(frame(PONG));
    else if (c0 === 0x30 /* 0: open */) s.write(frame(FLEET.connect({ token: key, nodeId })));
    else if (t.startsWith('43/fleet,')) {
      const at = t.indexOf('[', 9);
      const id = Number(t.slice(9, at));
      const t0 = pending.get(id);
      if (t0 !== undefined) {
        pending.delete(id);
        counts.acked++;
        onAck(performance.now() - t0);
      }
    } else if (t.startsWith('40/fleet,')) {
      counts.connected++;
      beat();
      leave = ticker.add(beat);
    } else if (t.startsWith('42/fleet,')) {
      // A command: ack it (`42/fleet,<id>["start_instance",…]` → `43/fleet,<id>[{"success":true}]`).
      const at = t.indexOf('[', 9);
      if (at > 9) s.write(frame(FLEET.ack(Number(t.slice(9, at)), ACK_OK)));
    }
  };
  s.on('connect', () => {
    s.write(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${key}\r\n\r\n`,
    );
  });
  s.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    if (!upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!buf.subarray(0, 12).toString().includes('101')) {
        s.destroy();
        return;
      }
      upgraded = true;
      buf = buf.subarray(end + 4);
    }
    // Server frames are unmasked; fleet's are text and never fragmented.
    while (buf.length >= 2) {
      let len = buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      if (buf.length < off + len) return;
      const op = buf[0]! & 0x0f;
      if (op === 1) onText(buf.toString('utf8', off, off + len));
      buf = buf.subarray(off + len);
    }
  });
  s.on('close', () => {
    if (leave) {
      leave();
      counts.connected--;
    }
    leave = null;
  });
  s.on('error', () => {});
  return s;
}
