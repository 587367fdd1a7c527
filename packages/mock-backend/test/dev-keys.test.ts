/**
 * Dev mode (no keys configured): the shared dev key and per-node `dev-<nodeId>`
 * keys are accepted, a per-node key only for its own node; with a keys file
 * neither is. This is what lets `npm run mock` and `npm run sim -- run --url …`
 * meet with no flags.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startMockBackend, devKeyFor, DEV_KEY } from '@fleetwire/mock-backend';
import { ErrorCodes, type FleetwireError } from '@fleetwire/sdk';
import { fleetAgent, until } from './admin-helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tryFleet(url: string, key: string, nodeId: string): Promise<'connected' | string> {
  const a = fleetAgent(url, key, nodeId);
  cleanups.push(() => a.close());
  const errors: FleetwireError[] = [];
  a.on('error', (e) => errors.push(e));
  a.connect();
  return until<string | undefined>(() => (a.state === 'connected' ? 'connected' : errors[0]?.code), `${key} as ${nodeId}`, 15_000) as Promise<string>;
}

describe('dev keys', () => {
  it('dev mode: dev-<nodeId> connects as that node only; the shared dev key still works', async () => {
    const b = await startMockBackend({ ephemeral: true });
    cleanups.push(() => b.close());
    expect(b.keys.devMode).toBe(true);
    expect(await tryFleet(b.fleetUrl, devKeyFor('gpu-7'), 'gpu-7')).toBe('connected');
    expect(await tryFleet(b.fleetUrl, devKeyFor('gpu-7'), 'gpu-8')).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(await tryFleet(b.fleetUrl, DEV_KEY, 'gpu-9')).toBe('connected');
    expect(b.state.fleet.nodes.get('gpu-7')?.connection).toBe('ONLINE');
  });

  it('dev mode: a monitor agent with dev-<id> authenticates as server_id <id>', async () => {
    const b = await startMockBackend({ ephemeral: true });
    cleanups.push(() => b.close());
    const ws = new WebSocket(b.endpoints.monitor!.url);
    cleanups.push(() => ws.terminate());
    const first = new Promise<{ type: string; server_id: string }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'auth', api_key: devKeyFor('srv-1') }));
    expect(await first).toMatchObject({ type: 'auth_success', server_id: 'srv-1' });
  });

  it('with configured keys, dev keys are refused', async () => {
    const b = await startMockBackend({ ephemeral: true, keys: ['real-key'] });
    cleanups.push(() => b.close());
    expect(b.keys.devMode).toBe(false);
    expect(await tryFleet(b.fleetUrl, devKeyFor('gpu-7'), 'gpu-7')).toBe(ErrorCodes.FW_AUTH_REJECTED);
    expect(await tryFleet(b.fleetUrl, 'real-key', 'gpu-7')).toBe('connected');
  });
});
