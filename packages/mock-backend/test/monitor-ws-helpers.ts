/** A raw `ws` client for server-side tests: records every frame and the close, so tests wait on events, not sleeps. */
import WebSocket from 'ws';

export interface RawClient {
  ws: WebSocket;
  frames: unknown[];
  closed: Promise<{ code: number; reason: string }>;
  /** HTTP status when the upgrade was refused. */
  refused: Promise<number | null>;
  next(timeoutMs?: number): Promise<unknown>;
  send(v: unknown): void;
}

export function rawClient(url: string): RawClient {
  const ws = new WebSocket(url);
  const frames: unknown[] = [];
  const waiters: ((v: unknown) => void)[] = [];
  let read = 0;
  ws.on('message', (d) => {
    let v: unknown;
    try {
      v = JSON.parse(d.toString());
    } catch {
      v = d.toString();
    }
    frames.push(v);
    waiters.shift()?.(undefined);
  });
  const refused = new Promise<number | null>((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? null);
      ws.terminate();
    });
    ws.on('open', () => resolve(null));
    ws.on('error', () => resolve(null));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    ws,
    frames,
    closed,
    refused,
    async next(timeoutMs = 3000) {
      if (read < frames.length) return frames[read++];
      await new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((v) => (clearTimeout(t), resolve(v)));
      });
      return frames[read++];
    },
    send(v) {
      const go = () => ws.send(typeof v === 'string' ? v : JSON.stringify(v));
      if (ws.readyState === WebSocket.OPEN) go();
      else ws.once('open', go);
    },
  };
}

export const wsBase = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');
