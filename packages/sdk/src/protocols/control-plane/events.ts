/**
 * Event map of {@link ControlPlaneEvents} and the subscription patterns: an
 * exact name (`job:progress`), a category wildcard (`job:*`) or `*` for all.
 */
import type { ClientEvents } from '../../core/client.js';
import type { ControlPlaneCategory, ControlPlaneEventName, ControlPlaneMessage, ControlPlanePayload } from './schema.js';

/** Exact names: the listener gets the payload, then the whole message. */
type ExactListeners = { [E in ControlPlaneEventName]: (data: ControlPlanePayload[E], msg: ControlPlaneMessage<E>) => void };
/** `category:*`: the listener gets the whole message of any event of that category. */
type CategoryListeners = {
  [C in ControlPlaneCategory as `${C}:*`]: (msg: ControlPlaneMessage<Extract<ControlPlaneEventName, `${C}:${string}`>>) => void;
};

/** Events of {@link ControlPlaneEvents}: connection events, every `category:action`, `category:*` and `*`. */
export type ControlPlaneClientEvents = ClientEvents &
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
