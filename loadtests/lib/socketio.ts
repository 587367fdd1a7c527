/**
 * Engine.IO v4 + Socket.IO v5 text framing, the subset a websocket-only agent
 * needs. k6 has no Socket.IO client, so the fleet script speaks the wire format
 * itself through this module. Plain TypeScript: no k6 or Node imports, so it
 * runs unchanged in k6, in Node (vitest) and in a browser.
 *
 * Wire shapes (https://socket.io/docs/v4/socket-io-protocol/):
 *   engine:  `0{open json}` open, `1` close, `2` ping, `3` pong, `4…` message, `6` noop
 *   socket:  `4` + `<type>[<nsp>,][<ackId>][<json>]`, e.g. `42/fleet,7["heartbeat",{…}]`
 * Binary packets (types 5/6) are refused: no dialect of fleetwire uses them.
 */

/** Engine.IO packet types (first character of every frame). */
export const Engine = { OPEN: '0', CLOSE: '1', PING: '2', PONG: '3', MESSAGE: '4', UPGRADE: '5', NOOP: '6' } as const;

/** Socket.IO packet types (second character of a `4…` frame). */
export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
  BINARY_EVENT: 5,
  BINARY_ACK: 6,
} as const;
export type PacketTypeValue = (typeof PacketType)[keyof typeof PacketType];

/** The handshake the server sends first (`0{…}`). */
export interface EngineOpen {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload?: number;
}

/** One Socket.IO packet. `id` is present on acked events and on acks. */
export interface SocketPacket {
  type: PacketTypeValue;
  /** Namespace, `/` when the frame names none. */
  nsp: string;
  id?: number;
  data?: unknown;
}

/** Stable codes, the same strings as the SDK's ErrorCodes (k6 cannot import the SDK). */
export type FramingErrorCode = 'FW_PROTOCOL_MALFORMED' | 'FW_PROTOCOL_INVALID' | 'FW_PROTOCOL_UNKNOWN';

/** What one text frame from the server decodes to. Bad input is a value, never a throw. */
export type Frame =
  | { kind: 'open'; open: EngineOpen }
  | { kind: 'close' }
  | { kind: 'ping'; data: string }
  | { kind: 'pong'; data: string }
  | { kind: 'noop' }
  | { kind: 'packet'; packet: SocketPacket }
  | { kind: 'error'; code: FramingErrorCode; message: string };

/** The URL of the websocket-only Engine.IO endpoint for a base URL such as `http://127.0.0.1:3000`. */
export function engineUrl(baseUrl: string, path = '/socket.io/'): string {
  const m = /^(https?|wss?):\/\/([^/?#]+)(\/[^?#]*)?/i.exec(baseUrl.trim());
  if (!m) throw new Error(`BASE_URL must look like http://host:port, got "${baseUrl}"`);
  const scheme = (m[1] as string).toLowerCase();
  const ws = scheme === 'https' || scheme === 'wss' ? 'wss' : 'ws';
  const p = path.endsWith('/') ? path : `${path}/`;
  return `${ws}://${m[2]}${p}?EIO=4&transport=websocket`;
}

/** Encodes a Socket.IO packet as the Engine.IO message frame to send (`4` + packet). */
export function encodePacket(packet: SocketPacket): string {
  let out = `${Engine.MESSAGE}${packet.type}`;
  if (packet.nsp && packet.nsp !== '/') out += `${packet.nsp},`;
  if (packet.id !== undefined) {
    if (!Number.isInteger(packet.id) || packet.id < 0) throw new Error(`ack id must be a non-negative integer, got ${packet.id}`);
    out += String(packet.id);
  }
  if (packet.data !== undefined) out += JSON.stringify(packet.data);
  return out;
}

/** `40/fleet,{auth}`: asks to join a namespace. */
export function encodeConnect(nsp: string, auth?: Record<string, unknown>): string {
  return encodePacket({ type: PacketType.CONNECT, nsp, data: auth });
}

/** `42/fleet,<id>["name",payload]`: an event, acked when `id` is given. */
export function encodeEvent(nsp: string, name: string, payload: unknown, id?: number): string {
  const args = payload === undefined ? [name] : [name, payload];
  return encodePacket(id === undefined ? { type: PacketType.EVENT, nsp, data: args } : { type: PacketType.EVENT, nsp, id, data: args });
}

/** `43/fleet,<id>[args…]`: answers an event the server sent with an ack id. */
export function encodeAck(nsp: string, id: number, args: unknown[]): string {
  return encodePacket({ type: PacketType.ACK, nsp, id, data: args });
}

/** `41/fleet,`: leaves a namespace. */
export function encodeDisconnect(nsp: string): string {
  return encodePacket({ type: PacketType.DISCONNECT, nsp });
}

/** The answer to a server ping, echoing its probe data if any. */
export function encodePong(data = ''): string {
  return `${Engine.PONG}${data}`;
}

function err(code: FramingErrorCode, message: string): Frame {
  return { kind: 'error', code, message };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Decodes one text frame from the server. Never throws. */
export function decodeFrame(frame: unknown): Frame {
  if (typeof frame !== 'string' || frame.length === 0) return err('FW_PROTOCOL_MALFORMED', 'expected a non-empty text frame');
  const head = frame[0];
  const rest = frame.slice(1);
  switch (head) {
    case Engine.OPEN: {
      const parsed = parseJson(rest);
      if (!parsed.ok) return err('FW_PROTOCOL_MALFORMED', 'open packet is not JSON');
      const o = parsed.value as Partial<EngineOpen> | null;
      if (!o || typeof o.sid !== 'string' || typeof o.pingInterval !== 'number' || typeof o.pingTimeout !== 'number') {
        return err('FW_PROTOCOL_INVALID', 'open packet lacks sid/pingInterval/pingTimeout');
      }
      return { kind: 'open', open: { sid: o.sid, upgrades: Array.isArray(o.upgrades) ? o.upgrades : [], pingInterval: o.pingInterval, pingTimeout: o.pingTimeout, maxPayload: o.maxPayload } };
    }
    case Engine.CLOSE:
      return { kind: 'close' };
    case Engine.PING:
      return { kind: 'ping', data: rest };
    case Engine.PONG:
      return { kind: 'pong', data: rest };
    case Engine.NOOP:
      return { kind: 'noop' };
    case Engine.MESSAGE:
      return decodePacket(rest);
    default:
      return err('FW_PROTOCOL_UNKNOWN', `unknown engine.io packet type "${head}"`);
  }
}

/** Decodes the Socket.IO part of a `4…` frame (without the leading `4`). Never throws. */
export function decodePacket(s: string): Frame {
  const typeChar = s[0];
  if (!isDigit(typeChar)) return err('FW_PROTOCOL_MALFORMED', 'socket.io packet has no type');
  const type = Number(typeChar);
  if (type > PacketType.BINARY_ACK) return err('FW_PROTOCOL_UNKNOWN', `unknown socket.io packet type ${type}`);
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    return err('FW_PROTOCOL_INVALID', 'binary socket.io packets are not supported');
  }
  let i = 1;
  let nsp = '/';
  if (s[i] === '/') {
    const comma = s.indexOf(',', i);
    // A namespace with no payload after it may end the frame without a comma (`41/fleet`).
    const end = comma === -1 ? s.length : comma;
    nsp = s.slice(i, end);
    i = comma === -1 ? s.length : comma + 1;
  }
  let id: number | undefined;
  const idStart = i;
  while (isDigit(s[i])) i++;
  if (i > idStart) id = Number(s.slice(idStart, i));
  let data: unknown;
  if (i < s.length) {
    const parsed = parseJson(s.slice(i));
    if (!parsed.ok) return err('FW_PROTOCOL_MALFORMED', `payload of ${nsp} packet is not JSON`);
    data = parsed.value;
  }
  const packet: SocketPacket = { type: type as PacketTypeValue, nsp };
  if (id !== undefined) packet.id = id;
  if (data !== undefined) packet.data = data;
  const problem = checkPacket(packet);
  return problem ? err('FW_PROTOCOL_INVALID', problem) : { kind: 'packet', packet };
}

/** The payload rules of socket.io-parser's `isPayloadValid`; returns what is wrong, or undefined. */
function checkPacket(p: SocketPacket): string | undefined {
  switch (p.type) {
    case PacketType.CONNECT:
      return p.data === undefined || isObject(p.data) ? undefined : 'CONNECT payload must be an object';
    case PacketType.DISCONNECT:
      return p.data === undefined ? undefined : 'DISCONNECT carries no payload';
    case PacketType.CONNECT_ERROR:
      return typeof p.data === 'string' || isObject(p.data) ? undefined : 'CONNECT_ERROR payload must be an object or string';
    case PacketType.EVENT:
      return Array.isArray(p.data) && typeof p.data[0] === 'string' ? undefined : 'EVENT payload must be ["name", …args]';
    case PacketType.ACK:
      if (p.id === undefined) return 'ACK without an id';
      return Array.isArray(p.data) ? undefined : 'ACK payload must be an array';
    default:
      return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `message` of a CONNECT_ERROR payload (`{"message":…}` or a bare string). */
export function connectErrorMessage(data: unknown): string {
  if (typeof data === 'string') return data;
  if (isObject(data) && typeof data.message === 'string') return data.message;
  return 'connection refused';
}
