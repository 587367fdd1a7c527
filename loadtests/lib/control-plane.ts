/**
 * Reader for the push-only `control-plane` stream (docs/protocols/control-plane.md).
 * Fan-out latency is measured from the event's own timestamp, so it covers the
 * whole path from the moment the control plane stamped the fact to the moment
 * this subscriber read it (clocks must agree: run against 127.0.0.1 or NTP-synced hosts).
 */

/**
 * Timestamp fields that say when the event itself happened (document + SDK
 * schema), most specific first. Not `lastSeenAt` (agent:offline): that is the
 * agent's last heartbeat, up to a heartbeat interval (or a ping timeout) before
 * the event, so it would turn fan-out into "time since the last heartbeat";
 * agent:offline is counted as untimed instead.
 */
export const TIME_FIELDS = ['timestamp', 'changedAt', 'completedAt', 'failedAt', 'cancelledAt', 'createdAt', 'updatedAt', 'deletedAt', 'registeredAt'] as const;

export interface ControlPlaneEvent {
  event: string;
  category: string;
  data: Record<string, unknown>;
}

/** Parses one frame; an error string for anything that is not `{event:"category:action", data:{…}}`. */
export function readControlPlaneEvent(frame: unknown): { ok: true; value: ControlPlaneEvent } | { ok: false; error: string } {
  if (typeof frame !== 'string') return { ok: false, error: 'binary frame' };
  let msg: unknown;
  try {
    msg = JSON.parse(frame);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const m = msg as { event?: unknown; data?: unknown } | null;
  if (!m || typeof m !== 'object' || typeof m.event !== 'string' || !/^[a-z_]+:[a-z_]+$/.test(m.event)) {
    return { ok: false, error: 'missing or malformed "event"' };
  }
  if (typeof m.data !== 'object' || m.data === null || Array.isArray(m.data)) return { ok: false, error: `${m.event}: "data" must be an object` };
  return { ok: true, value: { event: m.event, category: m.event.split(':')[0] as string, data: m.data as Record<string, unknown> } };
}

/** ms since epoch of the event's own timestamp, or undefined when it carries none. */
export function eventTimeMs(ev: ControlPlaneEvent): number | undefined {
  for (const f of TIME_FIELDS) {
    const v = ev.data[f];
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) return t;
    }
  }
  return undefined;
}

/** Fan-out latency in ms (never negative: small clock skew is clamped to 0). */
export function fanOutMs(ev: ControlPlaneEvent, receivedAtMs: number): number | undefined {
  const t = eventTimeMs(ev);
  return t === undefined ? undefined : Math.max(0, receivedAtMs - t);
}
