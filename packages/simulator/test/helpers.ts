/** Shared test plumbing: a backend that accepts a plan's keys, a slice runner, and polling. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import type { BackoffOptions } from '@fleetwire/sdk';
import { FleetPlan } from '../src/model/fleet-plan.js';
import type { LifecycleOptions } from '../src/model/lifecycle.js';
import { Report } from '../src/report/report.js';
import type { ChaosOptions, Dialect, FleetTransport } from '../src/cli/args.js';
import { FleetSlice } from '../src/run/fleet-slice.js';
import type { SourcePairs } from '../src/transport/source-pool.js';
import type { EmittedEvent } from '../src/run/sim-agent.js';
import { until } from '../../../test-support/index.js';

export const NO_CHAOS: ChaosOptions = { disconnectRate: 0, flapShare: 0, flapPeriodMs: 10_000, slowAck: null, malformedShare: 0 };

/** Fast lifecycles so a test sees starts, crashes, timeouts and stops within a second or two. */
export const FAST_LIFECYCLE: Partial<LifecycleOptions> = {
  pullDelayMs: [5, 30],
  startDelayMs: [5, 10],
  startFailureRate: 0.15,
  runFailureRate: 0.2,
  timeoutRate: 0.2,
  failAfterMs: [20, 300],
  timeoutAfterMs: [50, 400],
  gracefulStopMs: [5, 30],
  killStopMs: [2, 10],
};

/** Waits for `cond` (polled), failing after `timeoutMs` naming `what`. */
export const waitFor = (cond: () => boolean, what: string, timeoutMs = 15_000): Promise<unknown> => until(cond, what, timeoutMs);

/** The mock backend on 127.0.0.1, ephemeral ports, fleet only, accepting the plan's keys. */
export async function backendFor(plan: FleetPlan, port = 0): Promise<MockBackend> {
  const keys: string[] = [];
  for (let i = 0; i < plan.agents; i++) keys.push(plan.agent(i).key);
  return startMockBackend({ host: '127.0.0.1', keys, ports: { fleet: port, controlPlane: false, vstats: false, lightd: false, monitor: false, admin: false } });
}

export interface SliceRun {
  slice: FleetSlice;
  report: Report;
  events: EmittedEvent[];
}

/** Starts agents [start, end) of `plan` against `url`. */
export function runSlice(
  url: string,
  plan: FleetPlan,
  o: { seed: string; dialect?: Dialect; start?: number; end?: number; chaos?: Partial<ChaosOptions>; heartbeatIntervalMs?: number; lifecycle?: Partial<LifecycleOptions>; sources?: SourcePairs; transport?: FleetTransport; backoff?: BackoffOptions; rampPerSec?: number; maxConnectsInFlight?: number },
): SliceRun {
  const start = o.start ?? 0;
  const end = o.end ?? plan.agents;
  const report = new Report({ dialect: o.dialect ?? 'fleet', seed: o.seed, fleetAgents: plan.agents, shards: [`${start}-${end}`], startedAt: new Date().toISOString(), endedAt: new Date().toISOString() });
  const events: EmittedEvent[] = [];
  const slice = new FleetSlice({
    ...(o.dialect ? { dialect: o.dialect } : {}),
    url,
    plan,
    start,
    end,
    rampPerSec: o.rampPerSec ?? 2000,
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? 5000,
    chaos: { ...NO_CHAOS, ...o.chaos },
    seed: o.seed,
    report,
    onEvent: (e) => events.push(e),
    ...(o.lifecycle ? { lifecycle: o.lifecycle } : {}),
    ...(o.sources ? { sources: o.sources } : {}),
    ...(o.transport ? { transport: o.transport } : {}),
    ...(o.backoff ? { backoff: o.backoff } : {}),
    ...(o.maxConnectsInFlight ? { maxConnectsInFlight: o.maxConnectsInFlight } : {}),
  });
  slice.start();
  return { slice, report, events };
}

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

/** Runs `fleetwire-sim …args` from the sources as CI would (a child process); its exit code and output. */
export function sim(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
