/**
 * The little HTTP plumbing the admin API needs on node:http: JSON bodies with a
 * size limit, JSON replies, a bearer check in constant time, and a route table.
 * (No framework: a dozen routes do not need one, and nothing here is on a hot path.)
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes, FleetwireError } from '@fleetwire/sdk';

export const MAX_BODY_BYTES = 1 << 20;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError) return sendJson(res, err.status, { error: { code: err.code, message: err.message } });
  if (err instanceof FleetwireError) {
    const status = err.code === ErrorCodes.FW_INVALID_ARGUMENT ? 400 : err.code === ErrorCodes.FW_NOT_CONNECTED || err.code === ErrorCodes.FW_CONFLICT ? 409 : err.code === ErrorCodes.FW_TIMEOUT ? 504 : 500;
    return sendJson(res, status, { error: { code: err.code, message: err.message } });
  }
  sendJson(res, 500, { error: { code: 'FW_INTERNAL', message: (err as Error)?.message ?? String(err) } });
}

/** Reads a JSON object body; an empty body is `{}`. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, ErrorCodes.FW_INVALID_ARGUMENT, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `body is not JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, 'body must be a JSON object');
  return v as Record<string, unknown>;
}

/** True when the request carries `Authorization: Bearer <token>`. */
export function hasBearer(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: string[];
  url: URL;
  body: () => Promise<Record<string, unknown>>;
}

/** A handler returns the JSON to send (status 200), or handles `res` itself and returns undefined. */
export type Handler = (ctx: RouteContext) => unknown | Promise<unknown>;

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** The path template (`/api/nodes/:id`), as the OpenAPI document names it. */
  path?: string;
}

/** `'/api/nodes/:id'` → a RegExp whose groups are the params. */
export function route(method: string, path: string, handler: Handler): Route {
  const pattern = new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '([^/]+)')}$`);
  return { method, pattern, handler, path };
}

export function needString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || !v) throw new HttpError(400, ErrorCodes.FW_INVALID_ARGUMENT, `body.${key} must be a non-empty string`);
  return v;
}
