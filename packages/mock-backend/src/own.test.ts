/** Lookups keyed by wire names find own properties only (issue 10); each was a plain `table[name]` before. */
import { describe, expect, it } from 'vitest';
import { own } from './own.js';
import { applyDockerAction } from './monitor/simulated.js';
import { MonitorState } from './state/monitor.js';
import { ControlPlaneBus } from './control-plane/bus.js';
import { PROTO_NAMES, NON_STRINGS, expectPrototypeIntact } from '../../../test-support/hostile.js';

describe('own-property lookups of wire names', () => {
  it('own(): own keys only; prototype names and non-strings are undefined', () => {
    const table = { metrics: 1, heartbeat: 2 };
    expect(own(table, 'metrics')).toBe(1);
    for (const k of [...PROTO_NAMES, ...NON_STRINGS]) expect(own(table, k), String(typeof k === 'string' ? k : typeof k)).toBeUndefined();
  });

  it('a docker action named like an Object.prototype member is unsupported, never a crash', () => {
    for (const action of PROTO_NAMES) {
      const containers = new Map([['c1', 'running' as const]]);
      expect(applyDockerAction(containers, action, 'c1'), action).toEqual({ success: false, message: `Unsupported action: ${action}` });
      expect(containers.get('c1')).toBe('running');
      const s = new MonitorState();
      s.dockerApplied('srv', action, 'c1');
      expect([...s.server('srv').containers.values()].every((v) => typeof v === 'string')).toBe(true);
    }
    expectPrototypeIntact();
  });

  it('the control-plane bus refuses an event named like an Object.prototype member with its own message', () => {
    const bus = new ControlPlaneBus();
    for (const e of PROTO_NAMES) expect(() => bus.publish(e as never, {} as never), e).toThrow(/unknown event/);
  });
});
