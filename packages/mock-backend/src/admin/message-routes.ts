/**
 * Admin API: a route for every message the mock sends that no other route or
 * state change already triggers, so a developer can test a client against each
 * one from the command line:
 * - monitor dashboards: `log`, `alert`, `metrics`; monitor agents: any raw frame (e.g. `error`);
 * - vstats dashboards: `server_added`, `server_removed`, `status`, `metrics`;
 * - lightd consoles: `console` (+ `console duplicate`), `daemon_message`, `stats`, `event` (state), power sequences;
 * - control-plane streams: any documented event (job:*, instance:* incl. updated/deleted, agent:*, system:error), validated;
 * - fleet agents: any raw event (start/stop/drain have their own validated routes).
 * Messages clients send upward (heartbeats, metrics, command answers…) come from
 * real clients; the mock answers them as the documents say and counts them at /metrics.
 */
import { ErrorCodes, controlPlane as cp, lightd, vstats } from '@fleetwire/sdk';
import type { MockBackend } from '../backend.js';
import { HttpError, needString, route, type Route } from './http.js';

const off = (dialect: string): never => {
  throw new HttpError(503, ErrorCodes.FW_NOT_CONNECTED, `the ${dialect} dialect is turned off`);
};

function objectField(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = body[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `body.${key} must be an object`);
  return v as Record<string, unknown>;
}

export function messageRoutes(b: MockBackend): Route[] {
  const monitor = () => b.servers.monitor ?? off('monitor');
  const vs = () => b.servers.vstats ?? off('vstats');
  const ld = () => b.servers.lightd ?? off('lightd');
  const container = (id: string) => {
    ld();
    const c = b.state.lightd.containers.get(id);
    if (!c) throw new HttpError(404, ErrorCodes.FW_INVALID_ARGUMENT, `no lightd container ${id} (POST /api/lightd/containers first)`);
    return c;
  };
  return [
    // fleet
    route('POST', '/api/nodes/:id/send', async ({ params, body }) => {
      const bd = await body();
      const sent = await b.fleet.sendRawAnywhere(params[0]!, needString(bd, 'event'), bd.payload);
      if (!sent) throw new HttpError(409, ErrorCodes.FW_NOT_CONNECTED, `fleet node ${params[0]} is not connected`);
      return { sent };
    }),
    // monitor
    route('POST', '/api/monitor/servers/:id/log', async ({ params, body }) => {
      const bd = await body();
      const level = bd.level === undefined ? 'INFO' : needString(bd, 'level');
      return { recipients: monitor().pushLog(params[0]!, { level, message: needString(bd, 'message') }) };
    }),
    route('POST', '/api/monitor/servers/:id/alert', async ({ params, body }) => {
      const bd = await body();
      const level = bd.level === undefined ? undefined : needString(bd, 'level');
      return { recipients: monitor().pushAlert(params[0]!, { message: needString(bd, 'message'), ...(level ? { level } : {}) }) };
    }),
    route('POST', '/api/monitor/servers/:id/metrics', async ({ params, body }) => {
      const data = { ...(await body()), server_id: params[0]! };
      return { recipients: monitor().frontends.fanOut(params[0]!, ['metrics'], { type: 'metrics', data }) };
    }),
    route('POST', '/api/monitor/servers/:id/raw', async ({ params, body }) => {
      const sent = monitor().sendRaw(params[0]!, needString(await body(), 'data'));
      if (!sent) throw new HttpError(409, ErrorCodes.FW_NOT_CONNECTED, `monitor server ${params[0]} has no agent connected`);
      return { sent };
    }),
    // vstats
    route('POST', '/api/vstats/servers', async ({ body }) => {
      vs();
      const bd = await body();
      const id = needString(bd, 'id');
      const s = b.state.vstats.addServer(id, { ...(typeof bd.name === 'string' ? { name: bd.name } : {}), ...(typeof bd.location === 'string' ? { location: bd.location } : {}) });
      return { ...s };
    }),
    route('DELETE', '/api/vstats/servers/:id', ({ params }) => {
      if (!vs().removeServer(params[0]!)) throw new HttpError(404, ErrorCodes.FW_INVALID_ARGUMENT, `no vstats server ${params[0]}`);
      return { removed: params[0] };
    }),
    route('POST', '/api/vstats/servers/:id/status', async ({ params, body }) => {
      vs();
      const { online } = await body();
      if (typeof online !== 'boolean') throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, 'body.online must be a boolean');
      if (!b.state.vstats.servers.has(params[0]!)) throw new HttpError(404, ErrorCodes.FW_INVALID_ARGUMENT, `no vstats server ${params[0]}`);
      if (online) b.state.vstats.agentConnected(params[0]!);
      else b.state.vstats.agentDisconnected(params[0]!);
      return { ...b.state.vstats.servers.get(params[0]!) };
    }),
    route('POST', '/api/vstats/servers/:id/metrics', async ({ params, body }) => {
      vs();
      const report = await body();
      if (!vstats.systemMetricsValidator.check(report)) {
        throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `invalid system metrics: ${vstats.systemMetricsValidator.explain(report).join('; ')}`);
      }
      if (!b.state.vstats.servers.has(params[0]!)) b.state.vstats.addServer(params[0]!);
      b.state.vstats.metrics(params[0]!, report as vstats.SystemMetrics);
      return { sent: true };
    }),
    // lightd
    route('POST', '/api/lightd/containers/:id/console', async ({ params, body }) => {
      container(params[0]!).console(needString(await body(), 'data'));
      return { sent: true };
    }),
    route('POST', '/api/lightd/containers/:id/daemon', async ({ params, body }) => {
      container(params[0]!).daemon(needString(await body(), 'message'));
      return { sent: true };
    }),
    route('POST', '/api/lightd/containers/:id/stats', async ({ params, body }) => {
      const c = container(params[0]!);
      const bd = await body();
      for (const [k, v] of Object.entries(bd)) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `body.${k} must be a number >= 0`);
      }
      return { sent: c.setStats(bd as Partial<lightd.StatsFields>), stats: c.stats };
    }),
    route('POST', '/api/lightd/containers/:id/state', async ({ params, body }) => {
      const c = container(params[0]!);
      const state = needString(await body(), 'state');
      if (!(lightd.ContainerStates as readonly string[]).includes(state)) {
        throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `body.state must be one of ${lightd.ContainerStates.join(', ')}`);
      }
      c.setState(state as lightd.ContainerState);
      return { state };
    }),
    route('POST', '/api/lightd/containers/:id/power', async ({ params, body }) => {
      const c = container(params[0]!);
      const action = needString(await body(), 'action');
      if (!['start', 'stop', 'kill', 'restart'].includes(action)) throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, 'body.action must be start, stop, kill or restart');
      c.power(action as lightd.PowerAction);
      return { action };
    }),
    // control-plane
    route('POST', '/api/control-plane/events', async ({ body }) => {
      const cph = b.servers.controlPlane ?? off('control-plane');
      const bd = await body();
      const event = needString(bd, 'event');
      if (!(cp.CONTROL_PLANE_EVENTS as readonly string[]).includes(event)) {
        throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `body.event must be one of ${cp.CONTROL_PLANE_EVENTS.join(', ')}`);
      }
      const data = objectField(bd, 'data');
      try {
        const msg = cph.bus.publish(event as cp.ControlPlaneEventName, data as never);
        return { sent: msg, recipients: cph.clientCount() };
      } catch (err) {
        throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, (err as Error).message.replace(/^control-plane bus: /, ''));
      }
    }),
  ];
}
