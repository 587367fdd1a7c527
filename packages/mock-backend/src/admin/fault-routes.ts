/** Admin API, fault injection: see Faults for what each one does. */
import type { MockBackend } from '../backend.js';
import { askWho, faultEverywhere, runFault, type FaultAnswer, type FaultCall } from '../cluster/peers.js';
import { route, type Route } from './http.js';

export function faultRoutes(b: MockBackend): Route[] {
  const f = b.faults;
  /**
   * Runs a fault here (bad arguments throw: 400) and, when this mock is one of several
   * processes, on every other one too: the one-shot counts are the sums.
   */
  const everywhere = async (call: FaultCall): Promise<FaultAnswer> => {
    const sum: FaultAnswer = { ...runFault(f, call) };
    if (!b.scaleOut) return sum;
    for (const a of await faultEverywhere(b.fleet.nsp, call)) {
      for (const k of ['dropped', 'sent', 'silenced'] as const) if (typeof a?.[k] === 'number') sum[k] = (sum[k] ?? 0) + a[k]!;
    }
    return sum;
  };
  return [
    route('GET', '/api/faults', () => f.snapshot()),
    route('DELETE', '/api/faults', async () => (await everywhere({ op: 'clear' }), f.snapshot())),
    route('POST', '/api/faults/drop', async ({ body }) => everywhere({ op: 'drop', arg: await body() })),
    route('POST', '/api/faults/ack-delay', async ({ body }) => (await everywhere({ op: 'ack-delay', arg: await body() }), f.snapshot())),
    route('POST', '/api/faults/refuse-auth', async ({ body }) => (await everywhere({ op: 'refuse-auth', arg: await body() }), f.snapshot())),
    route('POST', '/api/faults/malformed', async ({ body }) => everywhere({ op: 'malformed', arg: await body() })),
    route('POST', '/api/faults/silence', async ({ body }) => everywhere({ op: 'silence', arg: await body() })),
    route('GET', '/api/connections', () => ({
      connections: b.tracker.list().map((t) => ({ dialect: t.dialect, path: t.path, remote: `${t.socket.remoteAddress}:${t.socket.remotePort}`, silenced: t.silenced })),
    })),
    // Which process holds which node (cluster workers, Redis peers); one entry when the mock is one process.
    route('GET', '/api/cluster', async () => {
      const here = { pid: process.pid, home: b.scaleOut?.home ?? true, nodes: b.fleet.connectedNodes(), controlPlaneClients: b.servers.controlPlane?.clientCount() ?? 0 };
      return { processes: b.scaleOut ? [here, ...(await askWho(b.fleet.nsp))] : [here] };
    }),
    route('GET', '/api/status', () => ({ endpoints: b.endpoints, fleet: b.state.fleet.summary(), faults: f.snapshot() })),
  ];
}
