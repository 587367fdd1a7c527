/**
 * A dialect handler that throws must cost one connection, never the process
 * (issue 10). `guardRouter` wraps every ConnectionHandler a Router makes: an
 * exception from onOpen / onMessage is logged, reported to `onFault` (the
 * backend counts it in /metrics as fleetwire_mock_handler_errors_total) and
 * closes that connection with 1011 (internal error); one from onClose or
 * onError is logged and counted only (the connection is already going).
 * Both transports (the `ws` network server and msw) drive guarded routers.
 */
import type { Logger } from '../logger.js';
import type { ConnectionHandler, Peer, Router } from './peer.js';

/** Close code of a connection whose handler threw (RFC 6455: internal error). */
export const HANDLER_FAULT_CLOSE = 1011;

export interface GuardOptions {
  /** Dialect name, for the log line. */
  dialect: string;
  logger?: Logger;
  /** Called once per exception a handler threw (metrics). */
  onFault?: (error: Error) => void;
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** `router`, with every accepted connection's handler guarded (see the file comment). */
export function guardRouter(router: Router, o: GuardOptions): Router {
  return (req) => {
    const route = router(req);
    if (!route || 'refuse' in route) return route;
    return { accept: (peer) => guardAccept(peer, route.accept, o) };
  };
}

/** Runs `accept(peer)` and wraps its handler; an `accept` that throws yields a handler that closes at once. */
export function guardAccept(peer: Peer, accept: (peer: Peer) => ConnectionHandler, o: GuardOptions): ConnectionHandler {
  let closed = false;
  const report = (err: unknown, where: string, close: boolean) => {
    const e = asError(err);
    o.logger?.warn(`${o.dialect}: handler threw in ${where}${close ? '; closing that connection with 1011' : ''}`, {
      error: e.message,
      stack: e.stack?.split('\n').slice(0, 4).join(' | '),
    });
    try {
      o.onFault?.(e);
    } catch {
      // a failing metrics hook must not turn a contained fault into a crash
    }
    if (close && !closed) {
      closed = true;
      peer.close(HANDLER_FAULT_CLOSE, 'internal error');
    }
  };
  let h: ConnectionHandler;
  try {
    h = accept(peer);
  } catch (err) {
    report(err, 'accept', true);
    return { onMessage() {}, onClose() {} };
  }
  return {
    onOpen: () => {
      try {
        h.onOpen?.();
      } catch (err) {
        report(err, 'onOpen', true);
      }
    },
    onMessage: (text, binary) => {
      if (closed) return; // frames already in flight after a fault are not handled
      try {
        h.onMessage(text, binary);
      } catch (err) {
        report(err, 'onMessage', true);
      }
    },
    onClose: () => {
      closed = true;
      try {
        h.onClose();
      } catch (err) {
        report(err, 'onClose', false);
      }
    },
    onError: (e) => {
      try {
        h.onError?.(e);
      } catch (err) {
        report(err, 'onError', false);
      }
    },
  };
}
