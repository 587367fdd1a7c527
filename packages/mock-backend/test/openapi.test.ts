/** The admin API's OpenAPI document lists exactly the registered routes, and is served at /openapi.json. */
import { afterEach, describe, expect, it } from 'vitest';
import { startMockBackend } from '@fleetwire/mock-backend';
import { apiRoutesOf } from '../src/admin/server.js';
import { OPENAPI } from '../src/admin/openapi.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('admin OpenAPI document', () => {
  it('describes every registered /api route and nothing else', async () => {
    const b = await startMockBackend({ ephemeral: true });
    cleanups.push(() => b.close());
    const routes = apiRoutesOf(b);
    for (const r of routes) expect(r.path, String(r.pattern)).toBeDefined();
    const registered = routes.map((r) => `${r.method} ${r.path!.replace(/:(\w+)/g, '{$1}')}`).sort();
    const paths = OPENAPI['paths'] as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    expect(documented).toEqual(registered);
    expect(new Set(registered).size).toBe(registered.length);
    expect(OPENAPI['openapi']).toBe('3.1.0');

    const served = await fetch(`${b.adminUrl}/openapi.json`);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(JSON.parse(JSON.stringify(OPENAPI)));
  });
});
