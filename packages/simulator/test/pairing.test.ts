/**
 * The documented pairings: `npm run mock` (dev mode: no --keys) and
 * `npm run sim -- run --url …` with no other flags connect every agent, for
 * fleet, vstats and monitor; a run whose agents are all refused exits 1 with
 * the reason, without any threshold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { parseArgs, type RunOptions } from '../src/cli/args.js';
import { runSimulation } from '../src/run/run.js';
import { C, G } from '../src/report/report.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function mock(keys?: string[]): Promise<MockBackend> {
  // What `npm run mock` starts (dev mode unless keys are given), on ephemeral ports.
  const b = await startMockBackend({ ephemeral: true, ...(keys ? { keys } : {}) });
  cleanups.push(() => b.close());
  return b;
}

async function sim(args: string[]) {
  const parsed = await parseArgs(['run', ...args, '--duration', '2500ms', '--heartbeat-interval', '300ms', '--live', 'plain']);
  if (!parsed.ok || parsed.command !== 'run') throw new Error(JSON.stringify(parsed));
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: (s: string) => ((stderr += s), true) } } as never;
  const r = await runSimulation(parsed.options as RunOptions, io);
  return { ...r, stdout, stderr };
}

describe('npm run mock + npm run sim -- run --url … (no other flags)', { timeout: 60_000 }, () => {
  it.each([
    ['fleet', (b: MockBackend) => b.endpoints.fleet!.url],
    ['vstats', (b: MockBackend) => `ws://127.0.0.1:${b.endpoints.vstats!.port}`],
    ['monitor', (b: MockBackend) => `http://127.0.0.1:${b.endpoints.monitor!.port}`],
  ] as const)('%s: every agent connects, exit 0', async (dialect, urlOf) => {
    const b = await mock();
    const r = await sim(['--dialect', dialect, '--url', urlOf(b), '--agents', '20']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.report!.counter(C.agentsIn)).toBe(20);
    expect(r.report!.gauge(G.connected)).toBe(20);
    expect(r.report!.counter('errors.FW_AUTH_REJECTED')).toBe(0);
    expect(r.stdout).toMatch(/agents got in\s+20 of 20/);
  });

  it('all agents refused (keys the control plane does not know): exit 1 with the reason, no threshold needed', async () => {
    const b = await mock(['some-other-key']);
    const r = await sim(['--dialect', 'vstats', '--url', `ws://127.0.0.1:${b.endpoints.vstats!.port}`, '--agents', '5']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/no agent got in: 5 of 5 never completed the handshake \(FW_AUTH_REJECTED 5\)/);
    // The live view named the code as it happened, not only a count.
    expect(r.stdout).toMatch(/errors=5 codes=FW_AUTH_REJECTED=5/);
  });

  it('fleet agents refused: exit 1 too', async () => {
    const b = await mock(['some-other-key']);
    const r = await sim(['--url', b.endpoints.fleet!.url, '--agents', '5']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/no agent got in: 5 of 5 .*FW_AUTH_REJECTED 5/);
  });
});
