import { describe, expect, it } from 'vitest';
import { Decoder, Encoder, PacketType as P } from 'socket.io-parser';
import {
  PacketType,
  decodeFrame,
  encodeAck,
  encodeConnect,
  encodeDisconnect,
  encodeEvent,
  encodePacket,
  encodePong,
  engineUrl,
} from './socketio.ts';

describe('encode', () => {
  it('writes the namespace connect with auth', () => {
    expect(encodeConnect('/fleet', { token: 'k1', nodeId: 'n1' })).toBe('40/fleet,{"token":"k1","nodeId":"n1"}');
    expect(encodeConnect('/')).toBe('40');
  });
  it('writes events with and without ack ids', () => {
    expect(encodeEvent('/fleet', 'heartbeat', { a: 1 }, 12)).toBe('42/fleet,12["heartbeat",{"a":1}]');
    expect(encodeEvent('/fleet', 'hello', { a: 1 })).toBe('42/fleet,["hello",{"a":1}]');
    expect(encodeEvent('/', 'x', 1, 0)).toBe('420["x",1]');
  });
  it('writes acks, disconnect and pong', () => {
    expect(encodeAck('/fleet', 3, [{ success: true }])).toBe('43/fleet,3[{"success":true}]');
    expect(encodeDisconnect('/fleet')).toBe('41/fleet,');
    expect(encodePong()).toBe('3');
    expect(encodePong('probe')).toBe('3probe');
  });
  it('refuses a bad ack id', () => {
    expect(() => encodePacket({ type: PacketType.EVENT, nsp: '/', id: -1, data: ['x'] })).toThrow(/non-negative/);
  });
  it('matches what socket.io-parser itself encodes', () => {
    const enc = new Encoder();
    const [ref] = enc.encode({ type: P.EVENT, nsp: '/fleet', id: 42, data: ['heartbeat', { nodeId: 'n', x: [1, 2] }] });
    expect(encodeEvent('/fleet', 'heartbeat', { nodeId: 'n', x: [1, 2] }, 42)).toBe(`4${ref as string}`);
  });
});

describe('decode', () => {
  it('reads the engine open packet', () => {
    const f = decodeFrame('0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    expect(f).toEqual({ kind: 'open', open: { sid: 'abc', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000 } });
  });
  it('reads ping, pong, close, noop', () => {
    expect(decodeFrame('2')).toEqual({ kind: 'ping', data: '' });
    expect(decodeFrame('3probe')).toEqual({ kind: 'pong', data: 'probe' });
    expect(decodeFrame('1')).toEqual({ kind: 'close' });
    expect(decodeFrame('6')).toEqual({ kind: 'noop' });
  });
  it('reads connect ok and connect error', () => {
    expect(decodeFrame('40/fleet,{"sid":"s1"}')).toEqual({ kind: 'packet', packet: { type: PacketType.CONNECT, nsp: '/fleet', data: { sid: 's1' } } });
    expect(decodeFrame('44/fleet,{"message":"invalid key"}')).toEqual({
      kind: 'packet',
      packet: { type: PacketType.CONNECT_ERROR, nsp: '/fleet', data: { message: 'invalid key' } },
    });
  });
  it('reads acks with their ids, including multi-digit ids', () => {
    expect(decodeFrame('43/fleet,1234[{"success":true}]')).toEqual({
      kind: 'packet',
      packet: { type: PacketType.ACK, nsp: '/fleet', id: 1234, data: [{ success: true }] },
    });
  });
  it('reads events with and without an ack id, and on the root namespace', () => {
    expect(decodeFrame('42/fleet,["drain_node",{"nodeId":"n"}]')).toMatchObject({ packet: { type: 2, nsp: '/fleet', data: ['drain_node', { nodeId: 'n' }] } });
    expect(decodeFrame('42/fleet,7["start_instance",{}]')).toMatchObject({ packet: { id: 7 } });
    expect(decodeFrame('42["x"]')).toMatchObject({ packet: { nsp: '/', data: ['x'] } });
    expect(decodeFrame('41/fleet')).toMatchObject({ packet: { type: 1, nsp: '/fleet' } });
    expect(decodeFrame('41/fleet,')).toMatchObject({ packet: { type: 1, nsp: '/fleet' } });
  });
  it('round-trips what socket.io-parser encodes', async () => {
    const enc = new Encoder();
    const [frame] = enc.encode({ type: P.ACK, nsp: '/fleet', id: 9, data: [{ success: true, n: 'é✓' }] });
    expect(decodeFrame(`4${frame as string}`)).toEqual({ kind: 'packet', packet: { type: 3, nsp: '/fleet', id: 9, data: [{ success: true, n: 'é✓' }] } });
    // and socket.io-parser reads what we encode
    const dec = new Decoder();
    const got = await new Promise<unknown>((resolve) => {
      dec.on('decoded', resolve);
      dec.add(encodeEvent('/fleet', 'heartbeat', { ok: 1 }, 5).slice(1));
    });
    expect(got).toMatchObject({ type: P.EVENT, nsp: '/fleet', id: 5, data: ['heartbeat', { ok: 1 }] });
  });
  it('turns bad input into coded errors, never throws', () => {
    const cases: [unknown, string][] = [
      ['', 'FW_PROTOCOL_MALFORMED'],
      [42, 'FW_PROTOCOL_MALFORMED'],
      ['0not json', 'FW_PROTOCOL_MALFORMED'],
      ['0{"sid":1}', 'FW_PROTOCOL_INVALID'],
      ['9', 'FW_PROTOCOL_UNKNOWN'],
      ['4', 'FW_PROTOCOL_MALFORMED'],
      ['49', 'FW_PROTOCOL_UNKNOWN'],
      ['451-/fleet,["x",{"_placeholder":true,"num":0}]', 'FW_PROTOCOL_INVALID'],
      ['42/fleet,{"not":"array"}', 'FW_PROTOCOL_INVALID'],
      ['42/fleet,[1]', 'FW_PROTOCOL_INVALID'],
      ['43/fleet,[{"success":true}]', 'FW_PROTOCOL_INVALID'],
      ['43/fleet,1{"success":true}', 'FW_PROTOCOL_INVALID'],
      ['42/fleet,["x",', 'FW_PROTOCOL_MALFORMED'],
      ['40/fleet,[1]', 'FW_PROTOCOL_INVALID'],
    ];
    for (const [input, code] of cases) expect(decodeFrame(input), String(input)).toMatchObject({ kind: 'error', code });
  });
});

describe('engineUrl', () => {
  it('maps http(s) base URLs to the websocket-only endpoint', () => {
    expect(engineUrl('http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket');
    expect(engineUrl('https://cp.example.com/')).toBe('wss://cp.example.com/socket.io/?EIO=4&transport=websocket');
    expect(engineUrl('ws://h:1', '/custom')).toBe('ws://h:1/custom/?EIO=4&transport=websocket');
  });
  it('explains a bad URL', () => {
    expect(() => engineUrl('127.0.0.1:3000')).toThrow(/BASE_URL must look like/);
  });
});
