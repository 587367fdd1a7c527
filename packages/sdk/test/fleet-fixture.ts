/**
 * The fleet socket tests' shared setup: a mock backend on port 0 that accepts
 * one key (everything else ephemeral: never a default port another mock may
 * hold), an agent for node-1 with fast backoff, and cleanups run after each test.
 */
import { afterEach } from 'vitest';
import { startMockBackend, type MockBackend } from '@fleetwire/mock-backend';
import { FleetAgent, type FleetAgentOptions } from '@fleetwire/sdk';
import { testAgentOptions } from '../../../test-support/index.js';

export const KEY = 'test-key';

/** Call at the top of a test file: registers the afterEach that runs `cleanups` (last first). */
export function fleetFixture() {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A backend accepting KEY, recording what it receives; fleet on `port` (0: ephemeral). */
  async function backend(port = 0): Promise<MockBackend> {
    const b = await startMockBackend({ fleetPort: port, ephemeral: true, keys: [KEY], record: true });
    cleanups.push(() => b.close());
    return b;
  }

  /** node-1 with KEY, 60 s heartbeats, 20–100 ms backoff, rentals answered at once; closed after the test. */
  function agent(b: { fleetUrl: string }, over: Partial<FleetAgentOptions> = {}): FleetAgent {
    const a = new FleetAgent(testAgentOptions(b.fleetUrl, KEY, over));
    cleanups.push(() => a.close());
    return a;
  }

  return { cleanups, backend, agent };
}
