/**
 * The lean transport's hand-written frames against the kept parsers: every
 * frame it sends decodes with engine.io-parser + socket.io-parser to the packet
 * meant, and every packet socket.io-parser encodes decodes here to the same
 * thing — including the packets socket.io-parser refuses, which must be refused
 * here too (fast-check, both directions).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodePacket, encodePacket } from 'engine.io-parser';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { decodeOpen, decodeSio, FrameError, NamespaceFrames, PONG } from './frames.js';

/** What engine.io-parser + socket.io-parser make of one WebSocket text frame. */
function parse(frame: string): { engine: string; sio?: Packet } {
  const e = decodePacket(frame);
  if (e.type !== 'message') return { engine: e.type };
  let out: Packet | undefined;
  const d = new Decoder();
  d.on('decoded', (p: Packet) => (out = p));
  d.add(e.data as string);
  return { engine: 'message', sio: out! };
}

/** The frame socket.io-parser + engine.io-parser write for `p`. */
function encode(p: Packet): string {
  const [s] = new Encoder().encode(p) as string[];
  let frame = '';
  encodePacket({ type: 'message', data: s! }, false, (f) => (frame = f as string));
  return frame;
}

// Through JSON once: -0 is 0 on the wire, whoever encodes it.
const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const eventName = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'].includes(s));
const nsps = ['/fleet', '/', '/fleetx'];

describe('lean frames are what the kept parsers read', () => {
  it.each(nsps)('EVENT, ACK, CONNECT and DISCONNECT on %s decode with socket.io-parser', (nsp) => {
    const f = new NamespaceFrames(nsp);
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 2 ** 40 }), eventName, json, fc.array(json, { maxLength: 3 }), (id, ev, payload, more) => {
        const one = parse(f.event1(id, ev, payload)).sio!;
        expect(one).toEqual({ type: PacketType.EVENT, nsp, data: [ev, payload], ...(id >= 0 ? { id } : {}) });
        const many = parse(f.event(id, [ev, payload, ...more])).sio!;
        expect(many.data).toEqual([ev, payload, ...more]);
        if (id >= 0) expect(parse(f.ack(id, [payload])).sio).toEqual({ type: PacketType.ACK, nsp, id, data: [payload] });
      }),
    );
    expect(parse(f.connect({ token: 'k', nodeId: 'n' })).sio).toEqual({ type: PacketType.CONNECT, nsp, data: { token: 'k', nodeId: 'n' } });
    expect(parse(f.disconnect).sio).toMatchObject({ type: PacketType.DISCONNECT, nsp });
    expect(decodePacket(PONG)).toEqual({ type: 'pong' });
  });

  it('a missing payload is sent as null, as socket.io does', () => {
    const f = new NamespaceFrames('/fleet');
    expect(parse(f.event1(3, 'x', undefined)).sio!.data).toEqual(['x', null]);
  });
});

describe('what socket.io-parser writes, the lean decoder reads alike', () => {
  it('EVENT / ACK / CONNECT / CONNECT_ERROR / DISCONNECT, any id, any namespace', () => {
    const packet = fc.oneof(
      fc.record({ type: fc.constant(PacketType.EVENT), data: fc.tuple(eventName, json) }),
      fc.record({ type: fc.constant(PacketType.ACK), data: fc.array(json, { maxLength: 3 }) }),
      fc.record({ type: fc.constant(PacketType.CONNECT), data: fc.constant({ sid: 'abc' }) }),
      fc.record({ type: fc.constant(PacketType.CONNECT_ERROR), data: fc.record({ message: fc.string(), data: json }) }),
      fc.record({ type: fc.constant(PacketType.DISCONNECT) }),
    );
    fc.assert(
      fc.property(packet, fc.constantFrom(...nsps), fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined }), (p, nsp, id) => {
        const full = { ...p, nsp, ...(id !== undefined && (p.type === PacketType.EVENT || p.type === PacketType.ACK) ? { id } : {}) } as Packet;
        const frame = encode(full);
        for (const mine of ['/fleet', '/']) {
          const got = decodeSio(frame, mine, 1);
          if (nsp !== mine) {
            expect(got).toBeNull();
            continue;
          }
          expect(got).toEqual({ type: full.type, id: full.id ?? -1, data: full.data });
          expect(parse(frame).sio).toEqual(full);
        }
      }),
    );
  });

  it('refuses what socket.io-parser refuses (never a throw other than FrameError)', () => {
    const tails = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('2/fleet,["connect"]', '2/fleet,{"a":1}', '3/fleet,1{}', '0/fleet,[]', '1/fleet,{}', '5/fleet,1-["x",{"_placeholder":true,"num":0}]', '9', '2/fleet,[1', '2/fleet,12x'));
    fc.assert(
      fc.property(tails, (t) => {
        let theirs: 'ok' | 'refused' = 'ok';
        try {
          parse('4' + t);
        } catch {
          theirs = 'refused';
        }
        let mine: 'ok' | 'refused' = 'ok';
        try {
          decodeSio('4' + t, '/fleet', 1);
        } catch (e) {
          expect(e).toBeInstanceOf(FrameError);
          mine = 'refused';
        }
        // Stricter is allowed (binary, an EVENT without a payload); laxer is not.
        if (theirs === 'refused') expect(mine).toBe('refused');
      }),
    );
  });

  it('reads the Engine.IO open packet and refuses a broken one', () => {
    const open = { sid: 's1', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 };
    let frame = '';
    encodePacket({ type: 'open', data: JSON.stringify(open) }, false, (f) => (frame = f as string));
    expect(decodeOpen(frame.slice(1))).toEqual({ sid: 's1', pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 });
    expect(() => decodeOpen('{"sid":1}')).toThrow(FrameError);
    expect(() => decodeOpen('not json')).toThrow(FrameError);
  });
});
