/**
 * Event map of {@link ControlPlaneEvents} and the subscription patterns: an
 * exact name (`job:progress`), a category wildcard (`job:*`) or `*` for all.
 */
import type { StateTransition } from '../../core/state.js';
import type { FleetwireError } from '../../core/errors.js';
import type { ControlPlaneCategory, ControlPlaneEventName, ControlPlaneMessage, ControlPlanePayload } from './schema.js';

/** Exact names: the listener gets the payload, then the whole message. */
type ExactListeners = { [E in ControlPlaneEventName]: (data: ControlPlanePayload[E], msg: ControlPlaneMessage<E>) => void };
/** `category:*`: the listener gets the whole message of any event of that category. */
type CategoryListeners = {
  [C in ControlPlaneCategory as `${C}:*`]: (msg: ControlPlaneMessage<Extract<ControlPlaneEventName, `${C}:${string}`>>) => void;
};

export interface ControlPlaneConnectionEvents {
  /** Every connection state change, with a stable code and a reason. */
  state: (t: StateTransition) => void;
  /** The socket is open (also after every reconnect). */
  connected: () => void;
  /** An open connection ended; a reconnect follows unless terminal. */
  disconnected: (info: { code: number; reason: string }) => void;
  /** A reconnect attempt is scheduled. */
  reconnecting: (info: { delayMs: number; attempt: number }) => void;
  /** Anything that went wrong, with a stable code. Never thrown; the stream goes on. */
  error: (err: FleetwireError) => void;
}

/** Events of {@link ControlPlaneEvents}: connection events, every `category:action`, `category:*` and `*`. */
export type ControlPlaneClientEvents = ControlPlaneConnectionEvents &
  ExactListeners &
  CategoryListeners & {
    /** Every valid event. */
    '*': (msg: ControlPlaneMessage) => void;
  };

/** A subscription pattern. */
export type ControlPlanePattern = ControlPlaneEventName | `${ControlPlaneCategory}:*` | '*';

const PATTERN = /^(\*|[a-z_]+:(\*|[a-z_]+))$/;

/** True when `pattern` is `*`, `category:*` or `category:action` (syntax only). */
export function isPattern(pattern: string): boolean {
  return PATTERN.test(pattern);
}

/** True when `event` is selected by `pattern`. */
export function matchesPattern(pattern: string, event: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith(':*')) return event.startsWith(pattern.slice(0, -1)) && event.indexOf(':') === pattern.length - 2;
  return pattern === event;
}

/** The emitter keys one event is delivered to, most specific first: `job:progress`, `job:*`, `*`. */
export function patternsFor(event: string): [string, string, '*'] {
  const i = event.indexOf(':');
  return [event, `${i < 0 ? event : event.slice(0, i)}:*`, '*'];
}
