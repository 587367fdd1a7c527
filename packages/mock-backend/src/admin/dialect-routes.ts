/**
 * Admin API for the dialects other than fleet: monitor servers (commands, docker
 * actions, dashboard JWTs), vstats servers, containers, control-plane jobs.
 * lightd routes join when its server lands (see the README's status table).
 */
import { ErrorCodes } from '@fleetwire/sdk';
import type { MockBackend } from '../backend.js';
import type { MonitorServerRecord } from '../state/monitor.js';
import type { VStatsServerRecord } from '../state/vstats.js';
import type { CreateJobOptions } from '../state/jobs.js';
import { HttpError, needString, route, type Route } from './http.js';

const monitorJson = (s: MonitorServerRecord) => ({ ...s, containers: Object.fromEntries(s.containers) });
const vstatsJson = (s: VStatsServerRecord) => ({ ...s });

function optionalNumber(body: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `body.${key} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function needMonitor(b: MockBackend) {
  if (!b.servers.monitor) throw new HttpError(503, ErrorCodes.FW_NOT_CONNECTED, 'the monitor dialect is turned off');
  return b.servers.monitor;
}

export function dialectRoutes(b: MockBackend): Route[] {
  return [
    route('GET', '/api/servers', () => ({
      monitor: [...b.state.monitor.servers.values()].map(monitorJson),
      vstats: [...b.state.vstats.servers.values()].map(vstatsJson),
    })),
    route('GET', '/api/containers', () => ({
      containers: [
        ...[...b.state.fleet.nodes.values()].flatMap((n) =>
          [...n.rentals.values()].map((r) => ({ dialect: 'fleet', host: n.nodeId, containerId: r.containerId, rentalId: r.rentalId, status: r.state })),
        ),
        ...[...b.state.lightd.containers.keys()].map((id) => ({ dialect: 'lightd', host: null, containerId: id, status: b.state.lightd.containers.get(id)!.state })),
        ...[...b.state.monitor.servers.values()].flatMap((s) =>
          [...s.containers].map(([containerId, status]) => ({ dialect: 'monitor', host: s.serverId, containerId, status })),
        ),
      ],
    })),
    route('POST', '/api/monitor/servers/:id/command', async ({ params, body }) => {
      const m = needMonitor(b);
      const bd = await body();
      return m.sendCommand(params[0]!, needString(bd, 'command'), { timeoutMs: optionalNumber(bd, 'timeoutMs', 1, 600_000) });
    }),
    route('POST', '/api/monitor/servers/:id/docker', async ({ params, body }) => {
      const m = needMonitor(b);
      const bd = await body();
      return m.sendDockerCommand(params[0]!, needString(bd, 'action'), needString(bd, 'containerId'), { timeoutMs: optionalNumber(bd, 'timeoutMs', 1, 600_000) });
    }),
    route('POST', '/api/monitor/tokens', async ({ body }) => {
      needMonitor(b);
      const bd = await body();
      const sub = needString(bd, 'sub');
      const expiresInSeconds = optionalNumber(bd, 'expiresInSeconds', 0.001, 366 * 86_400) ?? 3600;
      // Optional per-server access (claim server_ids); without it the token opens any server's streams.
      const serverIds = bd.serverIds;
      if (serverIds !== undefined && (!Array.isArray(serverIds) || serverIds.length === 0 || !serverIds.every((s) => typeof s === 'string' && s))) {
        throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, 'body.serverIds must be a non-empty array of server ids');
      }
      const token = await b.mintMonitorToken(sub, { expiresInSeconds, ...(serverIds ? { serverIds: serverIds as string[] } : {}) });
      return { token, sub, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString(), ...(serverIds ? { serverIds } : {}) };
    }),
    route('GET', '/api/lightd/containers', () => ({
      containers: [...b.state.lightd.containers.keys()].map((id) => ({ internalId: id, clients: b.servers.lightd?.clientCount(id) ?? 0 })),
    })),
    route('POST', '/api/lightd/containers', async ({ body }) => {
      const id = needString(await body(), 'internalId');
      b.state.lightd.createContainer(id);
      return { internalId: id };
    }),
    route('POST', '/api/lightd/tokens', async ({ body }) => {
      if (!b.servers.lightd) throw new HttpError(503, ErrorCodes.FW_NOT_CONNECTED, 'the lightd dialect is turned off');
      const bd = await body();
      const ttlSeconds = optionalNumber(bd, 'ttlSeconds', 0.001, 366 * 86_400);
      if (bd.singleUse !== undefined && typeof bd.singleUse !== 'boolean') throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, 'body.singleUse must be a boolean');
      const internalId = bd.internalId === undefined ? undefined : needString(bd, 'internalId');
      // Single-use and expiring by default: what a console link handed to a browser should be.
      const rec = b.state.lightd.createToken({ internalId, singleUse: (bd.singleUse as boolean | undefined) ?? true, ttlMs: (ttlSeconds ?? 300) * 1000 });
      return { token: rec.token, internalId: rec.internalId ?? null, singleUse: rec.singleUse, expiresAt: rec.expiresAt === null ? null : new Date(rec.expiresAt).toISOString() };
    }),
    route('GET', '/api/jobs', () => ({ jobs: [...b.state.jobs.jobs.values()] })),
    route('POST', '/api/jobs', async ({ body }) => {
      const bd = await body();
      const opts: CreateJobOptions = {};
      if (bd.type !== undefined) opts.type = needString(bd, 'type');
      opts.steps = optionalNumber(bd, 'steps', 0, 10_000);
      opts.stepMs = optionalNumber(bd, 'stepMs', 0, 600_000);
      opts.failAtStep = optionalNumber(bd, 'failAtStep', 1, 10_000);
      if (bd.failMessage !== undefined) opts.failMessage = needString(bd, 'failMessage');
      if (bd.result !== undefined) {
        if (typeof bd.result !== 'object' || bd.result === null || Array.isArray(bd.result)) throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, 'body.result must be an object');
        opts.result = bd.result as Record<string, unknown>;
      }
      for (const k of Object.keys(opts) as (keyof CreateJobOptions)[]) if (opts[k] === undefined) delete opts[k];
      return b.state.jobs.createJob(opts);
    }),
    route('POST', '/api/jobs/:id/cancel', async ({ params, body }) => {
      const job = b.state.jobs.jobs.get(params[0]!);
      if (!job) throw new HttpError(404, ErrorCodes.FW_INVALID_ARGUMENT, `no job ${params[0]}`);
      const { reason } = await body();
      b.state.jobs.cancelJob(job.jobId, typeof reason === 'string' ? reason : undefined);
      return b.state.jobs.jobs.get(job.jobId);
    }),
  ];
}
