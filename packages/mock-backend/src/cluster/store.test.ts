/** The cluster's one truth (ClusterStore) and the workers' batching (BatchingSink), without processes. */
import { describe, expect, it } from 'vitest';
import type { fleet } from '@fleetwire/sdk';
import { KeyStore } from '../keys.js';
import { FleetState } from '../state/fleet.js';
import { BatchingSink } from './sink.js';
import { ClusterStore, applyToReplica } from './store.js';
import type { Op } from './ops.js';

const hb = (nodeId: string, status: fleet.NodeStatus = 'online'): fleet.Heartbeat => ({ nodeId, status, metrics: {} as fleet.FleetMetrics });
const started = (rentalId: string): fleet.InstanceStarted => ({ rentalId, containerId: `c-${rentalId}`, connectionInfo: { sshHost: 'h', sshPort: 22, sshUser: 'u' } } as fleet.InstanceStarted);
const at = '2026-12-02T00:00:00.000Z';

function sinkOf(workerId: number) {
  const sent: Op[][] = [];
  const sink = new BatchingSink({ workerId, send: (m) => sent.push(m.ops), flushMs: 60_000 });
  return { sink, sent };
}

describe('BatchingSink', () => {
  it('coalesces a node\'s heartbeats into one op (count, last payload) placed after its online, in order', () => {
    const { sink, sent } = sinkOf(1);
    sink.online('a', 'sa', 'ka');
    for (let i = 0; i < 500; i++) sink.heartbeat(hb('a', i === 499 ? 'busy' : 'online'));
    sink.online('b', 'sb', 'kb');
    for (let i = 0; i < 300; i++) sink.heartbeat(hb('b'));
    sink.instanceStarted('a', started('r1'));
    expect(sent).toHaveLength(0); // nothing per message
    sink.flush();
    expect(sent).toHaveLength(1);
    const ops = sent[0]!;
    expect(ops.map((o) => o.t)).toEqual(['on', 'hb', 'on', 'hb', 'start']);
    expect(ops[1]).toMatchObject({ t: 'hb', count: 500, hb: { nodeId: 'a', status: 'busy' } });
    expect(ops[3]).toMatchObject({ t: 'hb', count: 300 });
    expect(ops[0]).toMatchObject({ t: 'on', n: 'a', c: 'sa', k: 'ka', w: 1 });
  });

  it('sends at once when a batch reaches maxBatch; a reconnect starts a new heartbeat run', () => {
    const sent: Op[][] = [];
    const sink = new BatchingSink({ workerId: 1, send: (m) => sent.push(m.ops), flushMs: 60_000, maxBatch: 3 });
    sink.online('a', 's1', 'k');
    sink.heartbeat(hb('a'));
    sink.offline('a', 's1');
    expect(sent).toHaveLength(1);
    sink.online('a', 's2', 'k');
    sink.heartbeat(hb('a'));
    sink.flush();
    expect(sent[1]!.map((o) => o.t)).toEqual(['on', 'hb']);
  });
});

describe('ClusterStore', () => {
  const store = () => new ClusterStore(new KeyStore());

  it('a fact is new once, whichever worker sends it; the replica fed in order equals the truth', () => {
    const s = store();
    const replica = new FleetState();
    const a1 = s.apply([{ t: 'on', n: 'a', c: 's1', k: 'k', w: 1, at }, { t: 'start', n: 'a', ev: started('r1'), at }]);
    applyToReplica(replica, a1.ops);
    // The agent moved to worker 2 and repeats its running rental.
    const a2 = s.apply([{ t: 'off', n: 'a', c: 's1' }, { t: 'on', n: 'a', c: 's2', k: 'k', w: 2, at }, { t: 'start', n: 'a', ev: started('r1'), at }]);
    applyToReplica(replica, a2.ops);
    expect(s.state.facts.size).toBe(1);
    expect([...s.state.facts.values()][0]!.receipts).toBe(2);
    expect(replica.facts.size).toBe(1);
    expect([...replica.facts.values()][0]!.receipts).toBe(2);
    expect(replica.nodes.get('a')).toMatchObject({ connection: 'ONLINE', connections: 2 });
  });

  it('the newest connection wins across workers: the older one\'s worker is told to close it, and its late offline changes nothing', () => {
    const s = store();
    s.apply([{ t: 'on', n: 'a', c: 's1', k: 'k', w: 1, at }]);
    const r = s.apply([{ t: 'on', n: 'a', c: 's2', k: 'k', w: 2, at }]);
    expect(r.evict.get(1)).toEqual([{ n: 'a', c: 's1', why: expect.stringMatching(/newest/) }]);
    const late = s.apply([{ t: 'off', n: 'a', c: 's1' }]);
    expect(late.ops).toEqual([]);
    expect(s.state.nodes.get('a')!.connection).toBe('ONLINE');
    s.apply([{ t: 'off', n: 'a', c: 's2' }]);
    expect(s.state.nodes.get('a')!.connection).toBe('OFFLINE');
  });

  it('a key owns its node cluster-wide: a second key accepted by another worker is evicted, and claims go to every worker', () => {
    const s = store();
    const first = s.apply([{ t: 'on', n: 'gpu-1', c: 's1', k: 'key-A', w: 1, at }]);
    expect(first.claims).toEqual([['key-A', 'gpu-1']]);
    const second = s.apply([{ t: 'on', n: 'gpu-1', c: 's2', k: 'key-B', w: 2, at }]);
    expect(second.evict.get(2)).toEqual([{ n: 'gpu-1', c: 's2', why: expect.stringMatching(/another key/) }]);
    expect(second.ops).toEqual([]);
    expect(s.claimList()).toEqual([['key-A', 'gpu-1']]);
  });

  it('a worker that dies takes its nodes offline', () => {
    const s = store();
    s.apply([{ t: 'on', n: 'a', c: 's1', k: 'k', w: 1, at }, { t: 'on', n: 'b', c: 's2', k: 'k', w: 2, at }]);
    expect(s.workerGone(1)).toEqual([{ t: 'off', n: 'a', c: 's1' }]);
    expect(s.state.summary()).toMatchObject({ online: 1, offline: 1 });
  });
});
