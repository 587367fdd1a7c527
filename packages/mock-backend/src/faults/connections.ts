/**
 * Every upgraded socket of every dialect, seen at the HTTP upgrade, below the
 * dialect servers. Tracking here (not inside each server) is what lets fault
 * injection and the open-connections gauge work the same for Socket.IO and the
 * plain-WebSocket dialects without touching their code: dropping is a TCP
 * destroy, "silence" stops reading and writing, a malformed frame is written
 * as raw WebSocket bytes.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export type DialectName = 'fleet' | 'controlPlane' | 'vstats' | 'lightd' | 'monitor';
export const DIALECTS: readonly DialectName[] = ['fleet', 'controlPlane', 'vstats', 'lightd', 'monitor'];

export interface Tracked {
  socket: Socket;
  dialect: DialectName;
  path: string;
  silenced: boolean;
}

/** Decides, before any dialect sees it, whether an upgrade is refused; returns an HTTP status or null. */
export type UpgradeGate = (dialect: DialectName, req: IncomingMessage) => number | null;

export class ConnectionTracker {
  readonly open = new Set<Tracked>();
  /** Upgrades refused by the gate, per dialect. */
  readonly refused: Record<DialectName, number> = { fleet: 0, controlPlane: 0, vstats: 0, lightd: 0, monitor: 0 };

  /**
   * Wraps the upgrade listeners already on `server` (Socket.IO's, the http-host router)
   * so that every upgrade is classified, counted and gated first. Call it after every
   * dialect on that server is attached.
   */
  install(server: Server, classify: (req: IncomingMessage) => DialectName, gate: UpgradeGate): void {
    const inner = server.listeners('upgrade') as ((req: IncomingMessage, socket: Duplex, head: Buffer) => void)[];
    server.removeAllListeners('upgrade');
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const dialect = classify(req);
      const status = gate(dialect, req);
      if (status !== null) {
        this.refused[dialect]++;
        socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const t: Tracked = { socket: socket as Socket, dialect, path: (req.url ?? '').split('?')[0] ?? '', silenced: false };
      this.open.add(t);
      socket.once('close', () => this.open.delete(t));
      for (const l of inner) l.call(server, req, socket, head);
    });
  }

  count(dialect: DialectName): number {
    let n = 0;
    for (const t of this.open) if (t.dialect === dialect && !t.socket.destroyed) n++;
    return n;
  }

  list(dialect?: DialectName): Tracked[] {
    return [...this.open].filter((t) => (dialect === undefined || t.dialect === dialect) && !t.socket.destroyed);
  }

  /** Destroys `fraction` (0..1) of the open connections, chosen at random; returns how many. */
  drop(fraction = 1, dialect?: DialectName): number {
    const pool = this.list(dialect);
    const n = Math.min(pool.length, Math.round(pool.length * Math.max(0, Math.min(1, fraction))));
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    for (const t of pool.slice(0, n)) t.socket.destroy();
    return n;
  }

  /**
   * Makes open connections go silent: nothing is read (pings stay unanswered,
   * messages unprocessed) and nothing is written, but the TCP connection stays up —
   * the hung-server case a client's liveness check must catch. Returns how many.
   */
  silence(dialect?: DialectName): number {
    let n = 0;
    for (const t of this.list(dialect)) {
      if (t.silenced) continue;
      t.silenced = true;
      t.socket.pause();
      const s = t.socket as Socket & { __write?: Socket['write'] };
      s.__write = s.write;
      // Writers (ws, engine.io) may wait for the callback: call it, drop the bytes.
      s.write = ((_chunk: unknown, a?: unknown, b?: unknown) => {
        const cb = typeof a === 'function' ? a : typeof b === 'function' ? b : null;
        if (cb) queueMicrotask(() => (cb as () => void)());
        return true;
      }) as Socket['write'];
      n++;
    }
    return n;
  }

  /** Undoes silence(); bytes dropped meanwhile stay lost. */
  unsilence(): number {
    let n = 0;
    for (const t of this.open) {
      if (!t.silenced) continue;
      const s = t.socket as Socket & { __write?: Socket['write'] };
      if (s.__write) s.write = s.__write;
      delete s.__write;
      t.silenced = false;
      t.socket.resume();
      n++;
    }
    return n;
  }

  /** Writes one unmasked WebSocket text frame with `text` straight onto each open socket. */
  writeRawText(text: string, dialect?: DialectName): number {
    let n = 0;
    for (const t of this.list(dialect)) {
      if (t.silenced) continue;
      t.socket.write(wsFrame(0x1, Buffer.from(text, 'utf8')));
      n++;
    }
    return n;
  }

  /**
   * Sends a close frame with `code` and ends every socket still open: the last
   * resort at shutdown, after the dialect servers had their chance to close cleanly.
   */
  closeAll(code = 1001, reason = 'server shutting down', except?: DialectName): number {
    let n = 0;
    for (const t of this.list()) {
      if (t.dialect === except) continue;
      const r = Buffer.from(reason, 'utf8');
      const body = Buffer.alloc(2 + r.length);
      body.writeUInt16BE(code, 0);
      r.copy(body, 2);
      if (!t.silenced) t.socket.write(wsFrame(0x8, body));
      t.socket.end();
      // A peer that never answers the close must not hold shutdown up.
      setTimeout(() => t.socket.destroy(), 500).unref();
      n++;
    }
    return n;
  }
}

/** A server-to-client (unmasked) WebSocket frame. */
export function wsFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
}
