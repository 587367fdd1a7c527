/**
 * Stable error codes. These strings are part of the public API: callers switch
 * on them, dashboards count them, reports aggregate them. Add codes; never
 * rename or reuse one. docs/errors.md mirrors this table.
 */
export const ErrorCodes = {
  /** The control plane refused the credentials (bad key/token, HTTP 401, close 4001/1008). Terminal unless `retryOnAuthFailure`. */
  FW_AUTH_REJECTED: 'FW_AUTH_REJECTED',
  /** A token expired during the session (lightd close 4001) and no token provider could renew it. */
  FW_TOKEN_EXPIRED: 'FW_TOKEN_EXPIRED',
  /** A message from the wire failed its schema (missing or mistyped required field). */
  FW_PROTOCOL_INVALID: 'FW_PROTOCOL_INVALID',
  /** A frame from the wire was not valid JSON, or not an object. */
  FW_PROTOCOL_MALFORMED: 'FW_PROTOCOL_MALFORMED',
  /** A well-formed message whose event/type this dialect does not define. */
  FW_PROTOCOL_UNKNOWN: 'FW_PROTOCOL_UNKNOWN',
  /** The peer reported an error (e.g. monitor `{type:"error"}`). */
  FW_REMOTE_ERROR: 'FW_REMOTE_ERROR',
  /** An acknowledged send got no ack within its timeout (it will be resent). */
  FW_ACK_TIMEOUT: 'FW_ACK_TIMEOUT',
  /** An ack arrived but said no (`{success:false}`) or had the wrong shape. */
  FW_ACK_REJECTED: 'FW_ACK_REJECTED',
  /** One connection attempt failed (network, refused, handshake); a retry follows unless terminal. */
  FW_CONNECT_FAILED: 'FW_CONNECT_FAILED',
  /** An established connection was lost; a reconnect follows. */
  FW_CONNECTION_LOST: 'FW_CONNECTION_LOST',
  /** The reconnect policy gave up (maxAttempts reached). */
  FW_RETRIES_EXHAUSTED: 'FW_RETRIES_EXHAUSTED',
  /** A bounded send queue was full and dropped a message (policy: drop oldest). */
  FW_QUEUE_OVERFLOW: 'FW_QUEUE_OVERFLOW',
  /** A caller-supplied handler or provider threw or rejected. */
  FW_HANDLER_FAILED: 'FW_HANDLER_FAILED',
  /** The agent refused a command because it is draining / in maintenance. */
  FW_DRAINING: 'FW_DRAINING',
  /** An argument passed to the SDK was invalid (thrown synchronously, never emitted). */
  FW_INVALID_ARGUMENT: 'FW_INVALID_ARGUMENT',
  /** The client was closed; pending operations were rejected. */
  FW_CLOSED: 'FW_CLOSED',
  /** A request needs an open connection and there is none. */
  FW_NOT_CONNECTED: 'FW_NOT_CONNECTED',
  /** A request got no answer in time (e.g. lightd request_logs). */
  FW_TIMEOUT: 'FW_TIMEOUT',
  /** A request would repeat something that must be unique (e.g. the mock admin API's start_instance with a rentalId already used). */
  FW_CONFLICT: 'FW_CONFLICT',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * The one error class of the SDK. `code` is stable; `context` carries what a
 * person needs to act (the event name, the schema errors, the HTTP status…).
 */
export class FleetwireError extends Error {
  override readonly name = 'FleetwireError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Throws FW_INVALID_ARGUMENT with a message a person can act on. Used for up-front option checks. */
export function invalidArgument(message: string, context: Record<string, unknown> = {}): never {
  throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, message, context);
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
