/**
 * Message builders and a reader for `lightd` console sessions
 * (docs/protocols/lightd.md): what an operator's console sends, and the
 * server events it waits for.
 */

export type PowerAction = 'start' | 'stop' | 'kill' | 'restart';

export function lightdSendCommand(command: string) {
  return { event: 'send_command' as const, command: command.endsWith('\n') ? command : `${command}\n` };
}

export function lightdPower(action: PowerAction) {
  return { event: 'power' as const, action };
}

export function lightdRequestLogs() {
  return { event: 'request_logs' as const };
}

/** The server events a console session reads. */
export const LIGHTD_SERVER_EVENTS = ['stats', 'console', 'console duplicate', 'event', 'daemon_message', 'logs'] as const;
export type LightdServerEvent = (typeof LIGHTD_SERVER_EVENTS)[number];

/** The `event` name of a server frame, or an error string when it is not one of the document's events. */
export function lightdEventOf(frame: unknown): { ok: true; event: LightdServerEvent; msg: Record<string, unknown> } | { ok: false; error: string } {
  if (typeof frame !== 'string') return { ok: false, error: 'binary frame' };
  let msg: unknown;
  try {
    msg = JSON.parse(frame);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { ok: false, error: 'not an object' };
  const ev = (msg as { event?: unknown }).event;
  if (typeof ev !== 'string' || !(LIGHTD_SERVER_EVENTS as readonly string[]).includes(ev)) return { ok: false, error: `unknown event ${String(ev)}` };
  return { ok: true, event: ev as LightdServerEvent, msg: msg as Record<string, unknown> };
}

/**
 * Where the console tokens come from, in order:
 * - `keys`: KEYS_FILE rows `serverId,token` (or tokens, with SERVER_ID);
 * - `token`: LIGHTD_TOKEN, one token every console uses (it must not be single-use);
 * - `admin`: ADMIN_TOKEN (+ ADMIN_URL) of the fleetwire mock backend, whose admin
 *   API mints a reusable token in setup() and creates each console's container.
 */
export type LightdCredentials = { mode: 'keys' } | { mode: 'token'; token: string } | { mode: 'admin'; adminUrl: string; adminToken: string };

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:3100';

/** Reads the credential variables; throws the message a user needs when there are none. */
export function lightdCredentials(env: Record<string, string | undefined>): LightdCredentials {
  if (env.KEYS_FILE) return { mode: 'keys' };
  if (env.LIGHTD_TOKEN) return { mode: 'token', token: env.LIGHTD_TOKEN };
  if (env.ADMIN_TOKEN) {
    const adminUrl = (env.ADMIN_URL || DEFAULT_ADMIN_URL).trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+/i.test(adminUrl)) throw new Error(`ADMIN_URL must be an http(s):// URL, got "${env.ADMIN_URL}"`);
    return { mode: 'admin', adminUrl, adminToken: env.ADMIN_TOKEN };
  }
  throw new Error(
    'lightd consoles need tokens, and lightd has no dev token. Against the fleetwire mock backend pass its admin token ' +
      '(printed by `npm run mock` as "admin token", or fixed with `fleetwire-mock --admin-token …`): -e ADMIN_TOKEN=fwadm_… ' +
      `[-e ADMIN_URL=${DEFAULT_ADMIN_URL}]; against a real lightd pass -e KEYS_FILE=consoles.txt (serverId,token rows) ` +
      'or -e LIGHTD_TOKEN=… (a reusable token) with -e SERVER_ID=….',
  );
}

/** Body of the mock backend's POST /api/lightd/tokens: reusable (reconnects), for any container, outliving the run. */
export function lightdTokenRequest(runMs: number) {
  return { singleUse: false, ttlSeconds: Math.ceil(runMs / 1000) + 600 };
}

/** Reads an admin API reply: the parsed object on 2xx, else the server's error message. */
export function readAdminReply(status: number, body: unknown, what: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let v: unknown = null;
  try {
    v = typeof body === 'string' && body !== '' ? JSON.parse(body) : null;
  } catch {
    v = null;
  }
  const o = (v && typeof v === 'object' && !Array.isArray(v) ? v : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300 && v !== null) return { ok: true, value: o };
  const err = o.error as { code?: unknown; message?: unknown } | undefined;
  const why = status === 0 ? 'no answer (is the mock backend running, and ADMIN_URL its admin address?)' : `HTTP ${status}${err?.code ? ` ${String(err.code)}` : ''}: ${String(err?.message ?? body ?? '')}`;
  const hint = status === 401 ? ' — ADMIN_TOKEN is not this backend’s admin token' : '';
  return { ok: false, error: `${what}: ${why}${hint}` };
}

/** The command a console sends on beat `seq`, and the marker its echo must contain (ends in `.` so k6-0-1 never matches k6-0-12). */
export function lightdProbe(index: number, seq: number): { command: string; marker: string } {
  const marker = `k6-${index}-${seq}.`;
  return { command: `echo ${marker}`, marker };
}
