/**
 * The fleet identity plan: who agent i is (nodeId, key, GPU count, its random
 * stream), and which agents a shard runs. A pure function of (seed, options),
 * so every shard of a distributed run computes the same plan and takes a
 * disjoint slice of it.
 */
import type { KeyEntry } from './keys.js';
import { Rng, type Seed } from './rng.js';
import { invalidArgument } from './sdk.js';

/** `--shard i/n`: this process runs slice `index` of `count` (0-based, so a Kubernetes Indexed Job's JOB_COMPLETION_INDEX fits as is). */
export interface Shard {
  index: number;
  count: number;
}

/** The whole fleet as one shard. */
export const WHOLE: Shard = Object.freeze({ index: 0, count: 1 });

/** Parses `i/n` with 0 <= i < n. Throws FW_INVALID_ARGUMENT with an example when it is not. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return invalidArgument(`--shard must look like i/n (0-based), e.g. 0/4 … 3/4; got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) return invalidArgument(`--shard ${text}: n must be at least 1`);
  if (index >= count) return invalidArgument(`--shard ${text}: i must be 0..${count - 1} (shards are 0-based: 0/${count} … ${count - 1}/${count})`);
  return { index, count };
}

/**
 * The agent indices [start, end) of a shard. Sizes differ by at most one and
 * the slices tile 0..total exactly (floor(i·total/n) boundaries).
 */
export function shardRange(total: number, shard: Shard): { start: number; end: number } {
  return { start: Math.floor((shard.index * total) / shard.count), end: Math.floor(((shard.index + 1) * total) / shard.count) };
}

/** Who one simulated agent is. */
export interface AgentIdentity {
  /** Position in the whole fleet (not in the shard). */
  index: number;
  nodeId: string;
  key: string;
  gpuCount: number;
  hostname: string;
  /** The agent's own random stream; host model and lifecycle fork from it. */
  rng: Rng;
}

/** Options of {@link FleetPlan}. */
export interface FleetPlanOptions {
  seed: Seed;
  /** Agents in the whole fleet (all shards together). */
  agents: number;
  /** One per agent, in order. Without keys, each agent gets `dev-<nodeId>`: the mock backend's per-node dev key (accepted by `npm run mock` with no --keys, and by the embedded backend, which is told the plan's keys). */
  keys?: readonly KeyEntry[];
  /** GPUs per host: a fixed count or an inclusive [min, max] drawn per agent. Default 8. */
  gpus?: number | readonly [number, number];
}

export class FleetPlan {
  readonly agents: number;
  private readonly root: Rng;
  private readonly keys: readonly KeyEntry[] | undefined;
  private readonly gpus: readonly [number, number];

  constructor(options: FleetPlanOptions) {
    const { agents, keys } = options;
    if (!Number.isInteger(agents) || agents < 1) invalidArgument(`agents must be a whole number >= 1, got ${agents}`);
    if (keys && keys.length < agents) {
      invalidArgument(`the keys file has ${keys.length} keys but ${agents} agents were asked for: one key per agent (pass fewer --agents or more keys)`);
    }
    const g = options.gpus ?? 8;
    const range: readonly [number, number] = typeof g === 'number' ? [g, g] : g;
    if (!range.every((x) => Number.isInteger(x) && x >= 0 && x <= 64) || range[1] < range[0]) {
      invalidArgument(`gpus must be an integer 0..64 or a range min-max within it, got ${typeof g === 'number' ? g : g.join('-')}`);
    }
    this.agents = agents;
    this.root = new Rng(options.seed);
    this.keys = keys;
    this.gpus = range;
  }

  /** Agent `index` of the whole fleet. Same seed → same identity, in any shard. */
  agent(index: number): AgentIdentity {
    if (!Number.isInteger(index) || index < 0 || index >= this.agents) {
      invalidArgument(`agent index ${index} is outside the fleet (0..${this.agents - 1})`);
    }
    const rng = this.root.fork(index);
    const id = rng.fork('identity');
    const drawnNodeId = id.uuid();
    const gpuCount = id.int(this.gpus[0], this.gpus[1]);
    const entry = this.keys?.[index];
    const nodeId = entry?.nodeId ?? drawnNodeId;
    return {
      index,
      nodeId,
      key: entry?.key ?? `dev-${nodeId}`,
      gpuCount,
      hostname: `sim-gpu-${String(index).padStart(5, '0')}`,
      rng,
    };
  }

  /** The agents one shard runs, in fleet order. */
  slice(shard: Shard = WHOLE): AgentIdentity[] {
    const { start, end } = shardRange(this.agents, shard);
    const out: AgentIdentity[] = [];
    for (let i = start; i < end; i++) out.push(this.agent(i));
    return out;
  }
}
