/**
 * Message builders and a reader for `lightd` console sessions
 * (shared/protocols/lightd.md): what an operator's console sends, and the
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
