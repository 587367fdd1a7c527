/**
 * Engine.IO v4 / Socket.IO v5 text frames for one namespace, over a plain
 * WebSocket (the `websocket` transport: one Engine.IO packet per WebSocket
 * message, no payload batching). Written out rather than going through
 * socket.io-parser's Encoder/Decoder because the decoder is an event emitter per
 * connection (one more object per agent) and the encoder walks every payload
 * looking for binary, which fleet never sends. The wire format is checked
 * against `engine.io-parser` and `socket.io-parser` in frames.test.ts, in both
 * directions, so the two cannot drift.
 *
 * Engine.IO packet types: 0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop.
 * Socket.IO packet types (inside an Engine.IO message): 0 CONNECT, 1 DISCONNECT,
 * 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK.
 * A Socket.IO packet is `<type>[<nsp>,][<id>][<json>]`, e.g. `2/fleet,12["heartbeat",{…}]`.
 */

/** Engine.IO `pong`: the answer to the server's `2` ping (v4: the server pings). */
export const PONG = '3';

/** What the server's Engine.IO open packet carries. */
export interface EngineOpen {
  sid: string;
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/** The frames one namespace sends, with its prefixes built once. */
export class NamespaceFrames {
  /** `40/fleet,` — CONNECT (the auth object follows). */
  private readonly connectPrefix: string;
  /** `42/fleet,` — EVENT (the ack id, if any, then the JSON array follow). */
  private readonly eventPrefix: string;
  /** `43/fleet,` — ACK (the id, then the JSON array). */
  private readonly ackPrefix: string;
  /** `41/fleet,` — DISCONNECT. */
  readonly disconnect: string;

  constructor(readonly nsp: string) {
    // The main namespace is written without a name; any other as `/name,`.
    const n = nsp === '/' ? '' : `${nsp},`;
    this.connectPrefix = `40${n}`;
    this.eventPrefix = `42${n}`;
    this.ackPrefix = `43${n}`;
    this.disconnect = `41${n}`;
  }

  /** CONNECT with the handshake `auth` object (socket.io-client's `auth` option). */
  connect(auth: unknown): string {
    return auth === undefined || auth === null ? this.connectPrefix : this.connectPrefix + JSON.stringify(auth);
  }

  /** EVENT `[event, ...args]`, with an ack id when `id >= 0`. */
  event(id: number, args: readonly unknown[]): string {
    const json = JSON.stringify(args);
    return id >= 0 ? this.eventPrefix + id + json : this.eventPrefix + json;
  }

  /** EVENT with one payload: the hot path (heartbeats), without building an args array. */
  event1(id: number, event: string, payload: unknown): string {
    // JSON.stringify(undefined) is undefined; socket.io writes a missing payload as null inside an array.
    const body = `[${JSON.stringify(event)},${payload === undefined ? 'null' : JSON.stringify(payload)}]`;
    return id >= 0 ? this.eventPrefix + id + body : this.eventPrefix + body;
  }

  /** ACK for the server's event `id`. */
  ack(id: number, args: readonly unknown[]): string {
    return this.ackPrefix + id + JSON.stringify(args);
  }
}

/** One decoded Socket.IO packet of our namespace. */
export interface SioPacket {
  type: number;
  /** The ack id, or -1. */
  id: number;
  data: unknown;
}

/** Why a frame could not be decoded (socket.io-client closes the connection with "parse error" then). */
export class FrameError extends Error {}

/**
 * Decodes the Socket.IO packet that starts at `s[from]` (an Engine.IO message
 * is `4` + the packet: pass from = 1 and no copy of the frame is made). Returns null for a well-formed packet of another namespace (ignored, as
 * socket.io-client does for a namespace it has no socket on). Throws FrameError
 * for anything socket.io-parser would refuse, and for binary packets (fleet is JSON).
 */
export function decodeSio(s: string, nsp: string, from = 0): SioPacket | null {
  const type = s.charCodeAt(from) - 48;
  if (!(type >= 0 && type <= 4)) throw new FrameError(type === 5 || type === 6 ? 'binary packets are not supported' : `unknown packet type ${JSON.stringify(s[from] ?? '')}`);
  let i = from + 1;
  let ours = nsp === '/';
  if (s.charCodeAt(i) === 47 /* / */) {
    // socket.io-parser reads the namespace up to a comma or the end of the packet. Compared in place: no slice per frame.
    const end = i + nsp.length;
    ours = nsp !== '/' && s.startsWith(nsp, i) && (end === s.length || s.charCodeAt(end) === 44 /* , */);
    if (ours) i = end < s.length ? end + 1 : end;
    else {
      // Another namespace's packet: still parsed (a malformed one is a parse error, as in socket.io-client), then ignored.
      const comma = s.indexOf(',', i);
      i = comma < 0 ? s.length : comma + 1;
    }
  }
  let id = -1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    id = (id < 0 ? 0 : id * 10) + (c - 48);
    i++;
  }
  if (id > Number.MAX_SAFE_INTEGER) throw new FrameError('ack id out of range');
  let data: unknown = undefined;
  if (i < s.length) {
    try {
      data = JSON.parse(s.slice(i));
    } catch {
      throw new FrameError('invalid JSON');
    }
  }
  checkPayload(type, data);
  return ours ? { type, id, data } : null;
}

/** socket.io-parser's isPayloadValid, for the types we accept. */
function checkPayload(type: number, data: unknown): void {
  switch (type) {
    case 0: // CONNECT: an object (the server's `{sid}`) or nothing
      if (data !== undefined && !isObject(data)) throw new FrameError('invalid CONNECT payload');
      return;
    case 1: // DISCONNECT: no payload
      if (data !== undefined) throw new FrameError('invalid DISCONNECT payload');
      return;
    case 2: // EVENT: [name, ...args] with a string name that is not a reserved one
      if (!Array.isArray(data) || typeof data[0] !== 'string' || RESERVED.has(data[0])) throw new FrameError('invalid EVENT payload');
      return;
    case 3: // ACK: an array (one without an id matches no emit and is ignored, as socket.io-client does)
      if (!Array.isArray(data)) throw new FrameError('invalid ACK payload');
      return;
    case 4: // CONNECT_ERROR: `{message, data?}` (a bare string in old servers)
      if (!isObject(data) && typeof data !== 'string') throw new FrameError('invalid CONNECT_ERROR payload');
      return;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Event names socket.io-parser refuses in an EVENT (they are the socket's own). */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

/** Reads the Engine.IO open packet's JSON (`s` without the leading `0`). Throws FrameError if it is not one. */
export function decodeOpen(s: string): EngineOpen {
  let o: unknown;
  try {
    o = JSON.parse(s);
  } catch {
    throw new FrameError('invalid Engine.IO open packet');
  }
  if (!isObject(o) || typeof o.sid !== 'string' || !(typeof o.pingInterval === 'number' && o.pingInterval > 0) || !(typeof o.pingTimeout === 'number' && o.pingTimeout > 0)) {
    throw new FrameError('invalid Engine.IO open packet');
  }
  return { sid: o.sid, pingInterval: o.pingInterval, pingTimeout: o.pingTimeout, maxPayload: typeof o.maxPayload === 'number' ? o.maxPayload : 1_000_000 };
}
