import { describe, expect, it } from 'vitest';
import { resolvePorts } from './ports.js';

describe('resolvePorts', () => {
  it('defaults to the documented ports, admin on 3100', () => {
    expect(resolvePorts({})).toEqual({ fleet: 3000, controlPlane: 3000, vstats: 3001, lightd: 8070, monitor: 8000, admin: 3100 });
  });
  it('ephemeral puts everything not given on port 0', () => {
    expect(resolvePorts({ ephemeral: true, ports: { vstats: 4001 } })).toEqual({ fleet: 0, controlPlane: 0, vstats: 4001, lightd: 0, monitor: 0, admin: 0 });
  });
  it('fleetPort 0 alone means all ephemeral (the first tests)', () => {
    expect(Object.values(resolvePorts({ fleetPort: 0 }))).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it('a port given for fleet or control-plane moves the other: they share one server', () => {
    expect(resolvePorts({ fleetPort: 45123 })).toMatchObject({ fleet: 45123, controlPlane: 45123, vstats: 3001 });
    expect(resolvePorts({ ports: { controlPlane: 4000 } })).toMatchObject({ fleet: 4000, controlPlane: 4000 });
    expect(resolvePorts({ ports: { fleet: 4000, controlPlane: 4001 } })).toMatchObject({ fleet: 4000, controlPlane: 4001 });
    expect(resolvePorts({ ports: { fleet: 4000, controlPlane: false } }).controlPlane).toBe(false);
  });
  it('one ephemeral port makes every part not given ephemeral, so nothing lands on a default port', () => {
    expect(resolvePorts({ ports: { vstats: 0, lightd: 8071 } })).toEqual({ fleet: 0, controlPlane: 0, vstats: 0, lightd: 8071, monitor: 0, admin: 0 });
    expect(resolvePorts({ fleetPort: 0, ports: { monitor: false } })).toEqual({ fleet: 0, controlPlane: 0, vstats: 0, lightd: 0, monitor: false, admin: 0 });
    expect(resolvePorts({ ephemeral: false, ports: { vstats: 0 } }).fleet).toBe(3000);
  });
  it('rejects bad ports, turning fleet off, and collisions other than fleet + control-plane', () => {
    expect(() => resolvePorts({ ports: { lightd: 70000 } })).toThrow(/port for lightd must be an integer from 0 to 65535/);
    expect(() => resolvePorts({ ports: { fleet: false } })).toThrow(/fleet dialect cannot be turned off/);
    expect(() => resolvePorts({ ports: { vstats: 8070 } })).toThrow(/vstats and lightd cannot share port 8070/);
    expect(resolvePorts({ ports: { fleet: 5000, controlPlane: 5000, admin: false } }).admin).toBe(false);
  });
});
