/**
 * The frontend sockets of monitor.md (`/api/v1/ws/metrics/{id}`, `/logs/{id}`):
 * first message must be `{type:"auth", token}` with a valid HS256 JWT; a bad or
 * expired token gets `{type:"error"}` and a close (1008). A stream is closed the
 * same way when its token expires mid-session, so a dashboard refreshes it.
 * Fan-out serialises each message once and sends the same string to every stream.
 */
import { monitor } from '@fleetwire/sdk';
import { SERVER_IDS_CLAIM, tokenAllowsServer, verifyToken } from './jwt.js';
import type { Logger } from '../logger.js';
import { setLongTimeout, type LongTimer } from '../long-timer.js';
import type { ConnectionHandler, MessageHook, Peer } from '../transport/peer.js';

export type StreamKind = 'metrics' | 'logs';

interface Stream {
  peer: Peer;
  serverId: string;
  kind: StreamKind;
  expiry: LongTimer | null;
}

export interface FrontendCounters {
  authFailures: number;
  protocolErrors: number;
  expired: number;
}

const AUTH_CLOSE = 1008;

export class FrontendHub {
  private readonly streams = new Map<string, Set<Stream>>();
  readonly counters: FrontendCounters = { authFailures: 0, protocolErrors: 0, expired: 0 };

  constructor(
    private readonly secret: string,
    private readonly log: Logger,
    private readonly authTimeoutMs: number,
    private readonly hook: MessageHook = () => {},
    /** Called once per exception a frame's handling threw (that stream is closed with 1011). */
    private readonly onFault: (error: Error) => void = () => {},
  ) {}

  /** A new frontend connection; it is registered only after a good auth. */
  accept(peer: Peer, kind: StreamKind, serverId: string): ConnectionHandler {
    let stream: Stream | null = null;
    let open = true;
    let chain = Promise.resolve();
    const authTimer = setTimeout(() => this.refuse(peer, 'Authentication timeout'), this.authTimeoutMs);
    authTimer.unref();
    const onMessage = (text: string, binary: boolean) => {
      // jwtVerify is async: handle frames in order so nothing overtakes the auth.
      chain = chain.then(async () => {
        const msg = parse(text, binary);
        this.hook('in', msg?.type === 'auth' ? 'auth' : 'invalid');
        if (stream) {
          // The document defines nothing a frontend sends after auth: anything else is reported, never fatal.
          if (msg === null || msg.type !== 'auth') this.reply(peer, monitor.MONITOR_ERRORS.invalidMessage);
          return;
        }
        if (msg === null || !monitor.monitorValidators.fromFrontend.auth.check(msg)) {
          clearTimeout(authTimer);
          this.counters.protocolErrors++;
          return this.refuse(peer, monitor.MONITOR_ERRORS.invalidMessage);
        }
        let exp: number;
        try {
          const payload = await verifyToken(this.secret, msg.token);
          if (!tokenAllowsServer(payload, serverId)) throw new Error(`token is not valid for server ${serverId} (claim ${SERVER_IDS_CLAIM})`);
          exp = payload.exp;
        } catch (err) {
          clearTimeout(authTimer);
          this.counters.authFailures++;
          this.log.warn('monitor: frontend token refused', { serverId, kind, reason: (err as Error).message });
          return this.refuse(peer, 'Invalid or expired token');
        }
        clearTimeout(authTimer);
        if (!open) return;
        stream = { peer, serverId, kind, expiry: null };
        const s = stream;
        // Close at expiry. A long-lived token (weeks) outlasts one setTimeout: the timer chains.
        s.expiry = setLongTimeout(() => {
          this.counters.expired++;
          this.refuse(peer, 'Token expired');
        }, exp * 1000 - Date.now());
        this.set(serverId).add(s);
        this.log.info('monitor: frontend stream open', { serverId, kind });
      }).catch((err: unknown) => {
        // The handling is async, so the transport's guard cannot see a throw here: a rejected
        // chain would be an unhandled rejection (fatal in Node) and would stall every later frame.
        const e = err instanceof Error ? err : new Error(String(err));
        this.log.warn('monitor: frontend handler threw; closing that stream with 1011', { serverId, kind, error: e.message });
        try {
          this.onFault(e);
        } catch {
          // a failing metrics hook must not turn a contained fault into a crash
        }
        peer.close(1011, 'internal error');
      });
    };
    return {
      onMessage,
      onClose: () => {
        open = false;
        clearTimeout(authTimer);
        if (!stream) return;
        stream.expiry?.cancel();
        this.streams.get(serverId)?.delete(stream);
      },
      onError: (err) => this.log.warn('monitor: frontend socket error', { serverId, kind, error: err.message }),
    };
  }

  /** Sends `msg` to every authenticated stream of `serverId` of the given kinds. Returns how many got it. */
  fanOut(serverId: string, kinds: readonly StreamKind[], msg: object): number {
    const set = this.streams.get(serverId);
    if (!set || set.size === 0) return 0;
    const text = JSON.stringify(msg);
    let n = 0;
    for (const s of set) {
      if (kinds.includes(s.kind)) {
        s.peer.send(text);
        n++;
      }
    }
    if (n > 0) this.hook('out', (msg as { type?: string }).type ?? 'unknown', n);
    return n;
  }

  /** Sends a raw frame to every stream of `serverId` (tests: malformed frames). */
  sendRaw(serverId: string, data: string): number {
    let n = 0;
    for (const s of this.streams.get(serverId) ?? []) (s.peer.send(data), n++);
    return n;
  }

  /** Authenticated streams of `serverId` (of one kind, or all). */
  count(serverId: string, kind?: StreamKind): number {
    let n = 0;
    for (const s of this.streams.get(serverId) ?? []) if (!kind || s.kind === kind) n++;
    return n;
  }

  private set(serverId: string): Set<Stream> {
    let set = this.streams.get(serverId);
    if (!set) this.streams.set(serverId, (set = new Set()));
    return set;
  }

  private reply(peer: Peer, message: string): void {
    this.hook('out', 'error');
    peer.send(JSON.stringify({ type: 'error', message }));
  }

  private refuse(peer: Peer, message: string): void {
    this.reply(peer, message);
    peer.close(AUTH_CLOSE, message);
  }
}

/** A frame as a JSON object, or null when it is not one. */
export function parse(text: string, binary: boolean): Record<string, unknown> | null {
  if (binary) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
