import { describe, expect, it } from 'vitest';
import { cheapConnections, chooseSourcePairs, ephemeralRange, isLoopbackHost, loopbackAddress, sourcePortRange } from './source-addresses.js';

const LINUX: [number, number] = [32768, 60999];

describe('source pairs', () => {
  it('reads the ephemeral range from the kernel setting, with Linux defaults when unreadable', () => {
    expect(ephemeralRange(() => '32768\t60999\n')).toEqual(LINUX);
    expect(ephemeralRange(() => '1024 65535')).toEqual([1024, 65535]); // 64,512 ports
    expect(ephemeralRange(() => 'garbage')).toEqual(LINUX);
    expect(
      ephemeralRange(() => {
        throw new Error('ENOENT');
      }),
    ).toEqual(LINUX);
  });

  it('binds ports below the ephemeral range (the kernel keeps all of it for everyone else), or inside it when there is no room below', () => {
    expect(sourcePortRange(LINUX)).toEqual([10000, 32767]);
    expect(sourcePortRange([1024, 65535])).toEqual([1024, 65535]);
    expect(cheapConnections(LINUX)).toBe(11998);
  });

  it('lets the kernel pick up to ~12,000 connections per destination', () => {
    expect(chooseSourcePairs(11_998, 'http://127.0.0.1:3000', [], LINUX)).toEqual({ pairs: null, note: null });
  });

  it('past that, picks 127.0.0.2… for a loopback control plane, two ports per agent: 100k agents → 9 addresses', () => {
    const c = chooseSourcePairs(100_000, 'http://127.0.0.1:3000', [], LINUX);
    expect(c.pairs).toEqual({ addresses: Array.from({ length: 9 }, (_, i) => `127.0.0.${i + 2}`), ports: [10000, 32767] });
    expect('note' in c && c.note).toMatch(/100000 connections: binding source ports 10000–32767 on 127\.0\.0\.2–127\.0\.0\.10 \(9 addresses/);
    expect(chooseSourcePairs(20_000, 'ws://localhost:3001', [], LINUX).pairs?.addresses).toEqual(['127.0.0.2', '127.0.0.3']);
  });

  it('uses the addresses the user gave, with its own ports, and says when they are too few for two ports per agent', () => {
    expect(chooseSourcePairs(1000, 'http://cp.example:3000', ['10.0.0.5'], LINUX)).toEqual({ pairs: { addresses: ['10.0.0.5'], ports: [10000, 32767] }, note: null });
    const few = chooseSourcePairs(60_000, 'http://cp.example:3000', ['10.0.0.5', '10.0.0.6'], LINUX);
    expect('note' in few && few.note).toMatch(/want 6 source addresses.*with 2, slices may share a pair/);
  });

  it('warns instead of guessing for a remote control plane: slow past ~12,000, impossible past the range', () => {
    const slow = chooseSourcePairs(20_000, 'http://cp.example:3000', [], LINUX);
    expect(slow.pairs).toBeNull();
    expect('warning' in slow && slow.warning).toMatch(/scans its port range on every connect.*pass --source-addresses/);
    const over = chooseSourcePairs(60_000, 'http://cp.example:3000', [], LINUX);
    expect('warning' in over && over.warning).toMatch(/pass --source-addresses with 3 addresses/);
  });

  it('knows loopback hosts and numbers 127.0.0.0/8 addresses', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(loopbackAddress(2)).toBe('127.0.0.2');
    expect(loopbackAddress(256)).toBe('127.0.1.0');
    expect(loopbackAddress(65_537)).toBe('127.1.0.1');
  });
});
