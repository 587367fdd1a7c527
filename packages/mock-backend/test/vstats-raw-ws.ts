/** A raw `ws` client for server tests: records frames, the upgrade's HTTP status, pings seen, and the close. */
import WebSocket, { type ClientOptions } from 'ws';

export interface RawClient {
  ws: WebSocket;
  frames: unknown[];
  pings: number;
  status: number | null;
  closed: { code: number } | null;
  opened: Promise<void>;
}

export function rawClient(url: string, options: ClientOptions = {}): RawClient {
  const ws = new WebSocket(url, options);
  const c: RawClient = { ws, frames: [], pings: 0, status: null, closed: null, opened: Promise.resolve() };
  c.opened = new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      c.status = res.statusCode ?? null;
      reject(new Error(`HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
  c.opened.catch(() => {});
  ws.on('error', () => {});
  ws.on('message', (d) => c.frames.push(JSON.parse(d.toString())));
  ws.on('ping', () => c.pings++);
  ws.on('close', (code) => (c.closed = { code }));
  return c;
}
