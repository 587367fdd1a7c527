/**
 * Frontend tokens of the monitor dialect: HS256 JWTs with `sub` and `exp`
 * (docs/protocols/README.md), signed and checked with `jose`.
 */
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';

/** The secret used when none is configured. Dev only: printed by the CLI, never for real deployments. */
export const DEV_JWT_SECRET = 'fleetwire-dev-jwt-secret';

export interface MintOptions {
  /** Lifetime in seconds from now, rounded up to a whole second (JWT NumericDate; RFC 7519 allows fractions, many verifiers do not). Default 3600. */
  expiresInSeconds?: number;
  /** Extra claims. */
  claims?: Record<string, unknown>;
  /**
   * Limits the token to the streams of these servers (claim `server_ids`). Default:
   * no claim, and the token opens the streams of any server (the mock's dev default).
   */
  serverIds?: string[];
}

/** The claim that limits a frontend token to some servers' streams. */
export const SERVER_IDS_CLAIM = 'server_ids';

/**
 * Per-server access: a token without the claim opens any server's streams; with it,
 * only those listed. A claim that is not an array of strings opens nothing (fail closed).
 */
export function tokenAllowsServer(payload: Record<string, unknown>, serverId: string): boolean {
  if (!Object.prototype.hasOwnProperty.call(payload, SERVER_IDS_CLAIM)) return true;
  const ids = payload[SERVER_IDS_CLAIM];
  return Array.isArray(ids) && ids.every((x) => typeof x === 'string') && ids.includes(serverId);
}

const keyOf = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** Mints a dev access token for `sub`. */
export function mintDevToken(secret: string, sub: string, options: MintOptions = {}): Promise<string> {
  const exp = Math.ceil(Date.now() / 1000 + (options.expiresInSeconds ?? 3600));
  return new SignJWT({ ...options.claims, ...(options.serverIds ? { [SERVER_IDS_CLAIM]: [...options.serverIds] } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(keyOf(secret));
}

/** Verifies signature, algorithm and expiry; `sub` and `exp` are required. Rejects with jose's error otherwise. */
export async function verifyToken(secret: string, token: string): Promise<JWTPayload & { sub: string; exp: number }> {
  const { payload } = await jwtVerify(token, keyOf(secret), { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
  return payload as JWTPayload & { sub: string; exp: number };
}
