import { describe, expect, it } from 'vitest';
import { Rentals, type RentalHost } from './rentals.js';
import type { StartInstance } from './schema.js';
import { connectionInfoFor } from './connection-info.js';

const cmd = (rentalId: string): StartInstance => ({
  rentalId,
  image: 'img',
  resourceLimits: { gpuIndices: ['0'], cpuCores: 1, ramLimit: '1g', diskLimit: '1g' },
  proxyPortMapping: { '22': 10022 },
});

function book(over: Partial<RentalHost> = {}) {
  const events: [string, unknown][] = [];
  let drained = 0;
  const r = new Rentals({
    nodeId: 'n1',
    onStartInstance: (c) => ({ containerId: `ctr-${c.rentalId}`, connectionInfo: { sshHost: 'h', sshPort: 22 } }),
    onStopInstance: () => undefined,
    lifecycle: (e, p) => events.push([e, p]),
    fail: () => {},
    drained: () => drained++,
    connectionInfo: (c) => connectionInfoFor(c, 'proxy.h'),
    ...over,
  });
  return { r, events, drained: () => drained };
}

describe('Rentals', () => {
  it('a repeated start_instance for a running rental reports the same fact, without a second container', async () => {
    let starts = 0;
    const { r, events } = book({ onStartInstance: (c) => (starts++, { containerId: `ctr-${c.rentalId}`, connectionInfo: { sshHost: 'h', sshPort: 22 } }) });
    await r.start(cmd('r1'));
    await r.start(cmd('r1'));
    expect(starts).toBe(1);
    expect(events.map(([e, p]) => `${e}:${(p as { containerId: string }).containerId}`)).toEqual(['instance_started:ctr-r1', 'instance_started:ctr-r1']);
  });

  it('a start still running when drain_node arrives counts as busy; drained fires once it has stopped', async () => {
    let finish!: () => void;
    const { r, drained } = book({
      onStartInstance: (c) => new Promise((res) => (finish = () => res({ containerId: `ctr-${c.rentalId}`, connectionInfo: { sshHost: 'h', sshPort: 22 } }))),
    });
    const starting = r.start(cmd('r1'));
    expect(r.status).toBe('busy');
    r.drain();
    expect(r.status).toBe('busy');
    finish();
    await starting;
    expect(drained()).toBe(0); // r1 now runs
    await r.stop({ rentalId: 'r1', containerId: 'ctr-r1' });
    expect(r.status).toBe('maintenance');
    expect(drained()).toBe(1);
    r.ended('r1', 'timeout', null); // a late report does not drain twice
    expect(drained()).toBe(1);
  });

  it('a start handler returning a malformed result is an error, not a bad instance_started', async () => {
    const { r, events } = book({ onStartInstance: () => ({ containerId: 42 }) as never });
    await r.start(cmd('r1'));
    expect(events).toEqual([
      ['instance_stopped', expect.objectContaining({ rentalId: 'r1', reason: 'error', errorMessage: expect.stringMatching(/invalid result.*containerId/) })],
    ]);
    expect(r.status).toBe('online');
  });

  it('a handler that returns only containerId gets the connectionInfo derived from the command', async () => {
    const { r, events } = book({ onStartInstance: (c) => ({ containerId: `ctr-${c.rentalId}` }) });
    await r.start(cmd('r7'));
    expect(events).toEqual([['instance_started', { rentalId: 'r7', containerId: 'ctr-r7', connectionInfo: { sshHost: 'proxy.h', sshPort: 10022 } }]]);
  });
});
