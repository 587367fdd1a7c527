import { describe, expect, it } from 'vitest';
import { chooseSourceAddresses, ephemeralPorts, isLoopbackHost } from './source-addresses.js';

describe('automatic source addresses', () => {
  it('reads the ephemeral range from the kernel setting, with Linux defaults when unreadable', () => {
    expect(ephemeralPorts(() => '32768\t60999\n')).toBe(28232);
    expect(ephemeralPorts(() => '1024 65535')).toBe(64512);
    expect(ephemeralPorts(() => 'garbage')).toBe(28232);
    expect(
      ephemeralPorts(() => {
        throw new Error('ENOENT');
      }),
    ).toBe(28232);
  });

  it('needs none below one address worth of ports', () => {
    expect(chooseSourceAddresses(20_000, 'http://127.0.0.1:3000', 28232)).toEqual({ addresses: [], note: null });
  });

  it('picks enough 127.0.0.x addresses for a loopback control plane: 100k agents → 4', () => {
    const c = chooseSourceAddresses(100_000, 'http://127.0.0.1:3000', 28232);
    expect(c.addresses).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect('note' in c && c.note).toMatch(/100000 connections need 4 source addresses/);
    expect(chooseSourceAddresses(30_000, 'ws://localhost:3001', 28232).addresses).toHaveLength(2);
  });

  it('warns instead of guessing for a remote control plane', () => {
    const c = chooseSourceAddresses(60_000, 'http://cp.example:3000', 28232);
    expect(c.addresses).toEqual([]);
    expect('warning' in c && c.warning).toMatch(/pass --source-addresses with 3 addresses/);
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});
