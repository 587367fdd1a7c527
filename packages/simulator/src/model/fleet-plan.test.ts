import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKeysFile } from '@fleetwire/mock-backend';
import { describe, expect, it } from 'vitest';
import { FleetPlan, parseShard, shardRange } from './fleet-plan.js';
import { parseKeysFile } from './keys.js';
import { LifecyclePlanner } from './lifecycle.js';

const identities = (p: FleetPlan, shard?: { index: number; count: number }) =>
  p.slice(shard).map(({ rng: _rng, ...rest }) => rest);

describe('parseShard', () => {
  it('accepts i/n, 0-based', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
  });
  it('rejects bad shards with actionable messages', () => {
    expect(() => parseShard('4/4')).toThrow(/i must be 0..3 \(shards are 0-based: 0\/4 … 3\/4\)/);
    expect(() => parseShard('a/b')).toThrow(/--shard must look like i\/n/);
    expect(() => parseShard('0/0')).toThrow(/n must be at least 1/);
    try {
      parseShard('x');
    } catch (e) {
      expect((e as { code: string }).code).toBe('FW_INVALID_ARGUMENT');
    }
  });
});

describe('shardRange', () => {
  it('slices never overlap, cover the whole fleet, and differ in size by at most one', () => {
    for (const total of [1, 2, 7, 100, 1001, 10_000]) {
      for (const count of [1, 2, 3, 7, 16, 64]) {
        const covered = new Uint8Array(total);
        const sizes: number[] = [];
        for (let index = 0; index < count; index++) {
          const { start, end } = shardRange(total, { index, count });
          sizes.push(end - start);
          for (let i = start; i < end; i++) covered[i]!++;
        }
        expect(covered.every((c) => c === 1), `total ${total} / ${count}`).toBe(true);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('FleetPlan', () => {
  it('same seed → same fleet; another seed → another fleet', () => {
    const a = identities(new FleetPlan({ seed: 42, agents: 50, gpus: [1, 8] }));
    const b = identities(new FleetPlan({ seed: 42, agents: 50, gpus: [1, 8] }));
    const c = identities(new FleetPlan({ seed: 43, agents: 50, gpus: [1, 8] }));
    expect(a).toEqual(b);
    expect(a.map((x) => x.nodeId)).not.toEqual(c.map((x) => x.nodeId));
    expect(new Set(a.map((x) => x.nodeId)).size).toBe(50);
    expect(a.every((x) => x.gpuCount >= 1 && x.gpuCount <= 8)).toBe(true);
    expect(new Set(a.map((x) => x.gpuCount)).size).toBeGreaterThan(3);
  });

  it('shards together are exactly the whole fleet, agent for agent', () => {
    const plan = new FleetPlan({ seed: 's', agents: 101 });
    const whole = identities(plan);
    const parts = [0, 1, 2].flatMap((index) => identities(plan, { index, count: 3 }));
    expect(parts).toEqual(whole);
  });

  it('an agent behaves the same in a shard as in the whole run (same lifecycle decisions)', () => {
    const plan = new FleetPlan({ seed: 9, agents: 10 });
    const inShard = plan.slice({ index: 1, count: 2 })[0]!;
    const direct = new FleetPlan({ seed: 9, agents: 10 }).agent(inShard.index);
    const cmd = { rentalId: 'r', image: 'i', resourceLimits: { gpuIndices: ['0'], cpuCores: 1, ramLimit: '1g', diskLimit: '1g' }, proxyPortMapping: { '22': 1 } };
    expect(new LifecyclePlanner(inShard.rng).planStart(cmd)).toEqual(new LifecyclePlanner(direct.rng).planStart(cmd));
  });

  it('keys: one per agent, in order, with nodeIds from the file when given', () => {
    const keys = parseKeysFile(JSON.stringify([{ key: 'k0', nodeId: 'node-a' }, { apiKey: 'k1' }, 'k2']));
    const p = new FleetPlan({ seed: 1, agents: 3, keys });
    expect(p.agent(0)).toMatchObject({ key: 'k0', nodeId: 'node-a' });
    expect(p.agent(1).key).toBe('k1');
    expect(p.agent(1).nodeId).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.agent(2).key).toBe('k2');
    expect(new FleetPlan({ seed: 1, agents: 1 }).agent(0).key).toMatch(/^dev-/);
  });

  it('refuses fewer keys than agents, saying how many of each', () => {
    expect(() => new FleetPlan({ seed: 1, agents: 3, keys: [{ key: 'a' }, { key: 'b' }] })).toThrow(
      /keys file has 2 keys but 3 agents were asked for: one key per agent/,
    );
  });

  it('refuses nonsense sizes', () => {
    expect(() => new FleetPlan({ seed: 1, agents: 0 })).toThrow(/agents must be a whole number >= 1, got 0/);
    expect(() => new FleetPlan({ seed: 1, agents: 1, gpus: [4, 2] })).toThrow(/gpus must be/);
    expect(() => new FleetPlan({ seed: 1, agents: 2 }).agent(2)).toThrow(/outside the fleet \(0..1\)/);
  });
});

describe('parseKeysFile', () => {
  it('reads plain lines with comments, JSON arrays and wrapped objects', () => {
    expect(parseKeysFile('# keys\nk1\n\n  k2  \r\nk3\n')).toEqual([{ key: 'k1' }, { key: 'k2' }, { key: 'k3' }]);
    expect(parseKeysFile('["a","b"]')).toEqual([{ key: 'a' }, { key: 'b' }]);
    expect(parseKeysFile('{"nodes":[{"node_id":"n","api_key":"k"}]}')).toEqual([{ key: 'k', nodeId: 'n' }]);
  });
  it("reads the mock backend's generated keys file as is", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fw-sim-keys-'));
    try {
      const path = join(dir, 'keys.txt');
      const written = await writeKeysFile(path, 5);
      const parsed = parseKeysFile(await readFile(path, 'utf8'));
      expect(parsed.map((e) => e.key)).toEqual(written);
      expect(new FleetPlan({ seed: 1, agents: 5, keys: parsed }).agent(4).key).toBe(written[4]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('explains bad files', () => {
    expect(() => parseKeysFile('[1]')).toThrow(/entry 1 has no key/);
    expect(() => parseKeysFile('{"x":1}')).toThrow(/must be an array/);
    expect(() => parseKeysFile('[oops')).toThrow(/looks like JSON but does not parse/);
    expect(() => parseKeysFile('a\nb\na')).toThrow(/entries 1 and 3 have the same key/);
  });
});
