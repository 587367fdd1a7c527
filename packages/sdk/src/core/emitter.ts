/**
 * Typed events on eventemitter3 (works in Node and browsers, and does not throw
 * on an unhandled 'error' event: a protocol error from the wire must never land
 * in the caller's stack just because they forgot a listener).
 */
import { EventEmitter } from 'eventemitter3';

/**
 * Base class of every client. `E` is an interface of event name → listener
 * signature, e.g. `{ heartbeat_ack: (info: { rttMs: number }) => void }`, so
 * `client.on('heartbeat_ack', (info) => …)` is fully typed.
 */
export class TypedEmitter<E extends { [K in keyof E]: (...args: any[]) => void }> extends EventEmitter<E> {}
