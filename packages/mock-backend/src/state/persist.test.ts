import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetState } from './fleet.js';
import { loadFleetState, saveFleetState } from './persist.js';
import { sampleMetrics } from '../../../../test-support/index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function file(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'fw-state-'));
  dirs.push(d);
  return join(d, 'state.json');
}

describe('--state-file: fleet state across a graceful restart', () => {
  it('nodes (back OFFLINE), rentals and facts survive a save and a load; a repeat after the load is the same fact', async () => {
    const f = await file();
    const a = new FleetState();
    a.markOnline('n1');
    a.heartbeat({ nodeId: 'n1', status: 'online', metrics: sampleMetrics() });
    a.instanceStarted('n1', { rentalId: 'r1', containerId: 'c1', status: 'running', connectionInfo: { sshHost: 'h', sshPort: 22 } } as never);
    a.instanceStopped('n1', { rentalId: 'r1', containerId: 'c1', reason: 'requested' } as never);
    await saveFleetState(a, f);

    const b = new FleetState();
    expect(await loadFleetState(b, f)).toBe(true);
    expect(b.nodes.get('n1')).toMatchObject({ connection: 'OFFLINE', heartbeats: 1, agentStatus: 'online' });
    expect(b.nodes.get('n1')!.rentals.get('r1')).toMatchObject({ state: 'stopped', stopReason: 'requested' });
    expect([...b.facts.keys()].sort()).toEqual(['instance_started|r1|c1', 'instance_stopped|r1|c1']);
    expect(b.instanceStarted('n1', { rentalId: 'r1', containerId: 'c1', status: 'running' } as never)).toBe(false);
    expect(b.facts.size).toBe(2);
    expect(b.lifecycleReceipts).toBe(3);
  });

  it('a missing file is a first start; a file that is not a state file is a clear error', async () => {
    const f = await file();
    expect(await loadFleetState(new FleetState(), f)).toBe(false);
    await writeFile(f, '{not json');
    await expect(loadFleetState(new FleetState(), f)).rejects.toThrow(/is not JSON.*move it away/);
    await writeFile(f, JSON.stringify({ version: 99, nodes: [], facts: [] }));
    await expect(loadFleetState(new FleetState(), f)).rejects.toThrow(/not a fleetwire-mock state file of version 1/);
  });

  it('the write is atomic: the file is whole JSON after a save over an old one', async () => {
    const f = await file();
    await writeFile(f, 'old');
    await saveFleetState(new FleetState(), f);
    expect(JSON.parse(await readFile(f, 'utf8'))).toMatchObject({ version: 1, nodes: [], facts: [] });
  });
});
