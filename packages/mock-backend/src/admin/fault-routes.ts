/** Admin API, fault injection: see Faults for what each one does. */
import type { MockBackend } from '../backend.js';
import { route, type Route } from './http.js';

export function faultRoutes(b: MockBackend): Route[] {
  const f = b.faults;
  return [
    route('GET', '/api/faults', () => f.snapshot()),
    route('DELETE', '/api/faults', () => f.clear()),
    route('POST', '/api/faults/drop', async ({ body }) => f.drop(await body())),
    route('POST', '/api/faults/ack-delay', async ({ body }) => f.setAckDelay((await body()).ms)),
    route('POST', '/api/faults/refuse-auth', async ({ body }) => f.refuseAuthFor((await body()).ms)),
    route('POST', '/api/faults/malformed', async ({ body }) => f.malformed(await body())),
    route('POST', '/api/faults/silence', async ({ body }) => f.silence(await body())),
    route('GET', '/api/connections', () => ({
      connections: b.tracker.list().map((t) => ({ dialect: t.dialect, path: t.path, remote: `${t.socket.remoteAddress}:${t.socket.remotePort}`, silenced: t.silenced })),
    })),
    route('GET', '/api/status', () => ({ endpoints: b.endpoints, fleet: b.state.fleet.summary(), faults: f.snapshot() })),
  ];
}
