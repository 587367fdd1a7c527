/**
 * The contract between a dialect's per-connection behaviour and whatever carries
 * the bytes. Each plain-WebSocket dialect (monitor, lightd, vstats, control-plane)
 * implements a Router once; the `ws` network server (ws-peer.ts) and the msw
 * handlers (../msw/) both drive that same Router, so the behaviour is written once.
 */

/** The server's end of one connection, as small as both transports allow. */
export interface Peer {
  /** Sends one text frame; a no-op once the connection is closing or closed. */
  send(text: string): void;
  /** Closes with a close frame (code default 1000). */
  close(code?: number, reason?: string): void;
  /** Drops the connection without a close handshake, like a network failure. Default: close(1006). */
  terminate?(): void;
}

/** What a dialect may read of the request that opened a connection. */
export interface PeerRequest {
  /** URL pathname, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. msw (and browsers) give none but `origin` when known. */
  headers: Record<string, string | undefined>;
  remoteAddress?: string;
}

/** One connection's behaviour. */
export interface ConnectionHandler {
  /** The socket is open (msw: sends made here are delivered once the client has opened). */
  onOpen?(): void;
  /** One frame; `binary` when it was not a text frame (`text` is then its UTF-8 decoding). */
  onMessage(text: string, binary: boolean): void;
  /** The connection ended, from either side. Called once. */
  onClose(): void;
  /** A transport error (oversized frame, broken frame); the transport closes the socket itself. */
  onError?(err: Error): void;
}

/** A refusal decided before the socket opens (the network server answers it as an HTTP status). */
export interface Refusal {
  status: 401 | 403 | 404;
  reason: string;
}

export type Route = { refuse: Refusal } | { accept(peer: Peer): ConnectionHandler };

/** Decides what to do with a new connection; null when the path is not this dialect's. */
export type Router = (req: PeerRequest) => Route | null;

export type Direction = 'in' | 'out';

/**
 * Called for every message a dialect receives (`in`) or sends (`out`), with its
 * type (`type` or `event` field; `invalid` for what fails parsing or validation,
 * so a client cannot blow up label cardinality). `count` > 1 for a fan-out.
 */
export type MessageHook = (direction: Direction, type: string, count?: number) => void;

/** The close code msw clients see for an upgrade the network server would refuse with an HTTP status. */
export const REFUSED_CLOSE_CODE = 1008;
