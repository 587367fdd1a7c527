/**
 * The Socket.IO adapter of a scaled-out mock: @socket.io/cluster-adapter between
 * the workers of one machine, or @socket.io/redis-adapter (node-redis clients)
 * between every worker of every mock process that shares one Redis.
 */
import { createAdapter as clusterAdapter } from '@socket.io/cluster-adapter';
import type { ScaleOutOptions } from '../backend.js';

export interface AdapterHandle {
  adapter: ScaleOutOptions['adapter'];
  /** Disconnects the Redis clients (nothing for the cluster adapter). */
  close(): Promise<void>;
}

/** The cluster adapter (this machine's workers, through the primary's setupPrimary relay). */
export function clusterAdapterHandle(): AdapterHandle {
  return { adapter: clusterAdapter() as ScaleOutOptions['adapter'], close: async () => undefined };
}

/**
 * The Redis adapter on `url`. Connects both clients (publish + subscribe) before
 * returning, so a wrong URL is an error at start, not a silent mock that reaches no peer.
 * node-redis (`redis` v5+) because it is the client Redis maintains and the adapter documents.
 */
export async function redisAdapterHandle(url: string, connectTimeoutMs = 5000): Promise<AdapterHandle> {
  const [{ createClient }, { createAdapter }] = await Promise.all([import('redis'), import('@socket.io/redis-adapter')]);
  // At start a Redis that is not there is reported at once (no retry loop); once both
  // clients are up, a lost connection is retried with backoff up to 2 s, forever.
  let up = false;
  const reconnectStrategy = (retries: number, cause: Error) => (up ? Math.min(100 * 2 ** Math.min(retries, 5), 2000) : cause);
  const pub = createClient({ url, socket: { connectTimeout: connectTimeoutMs, reconnectStrategy } });
  const sub = pub.duplicate();
  const errors: Error[] = [];
  for (const c of [pub, sub]) c.on('error', (e: Error) => errors.push(e));
  try {
    await Promise.race([
      Promise.all([pub.connect(), sub.connect()]),
      new Promise((_, reject) => setTimeout(() => reject(errors[0] ?? new Error(`no answer within ${connectTimeoutMs} ms`)), connectTimeoutMs).unref()),
    ]);
    up = true;
  } catch (err) {
    await Promise.allSettled([pub.destroy(), sub.destroy()]);
    throw new Error(`cannot connect to Redis at ${url}: ${(err as Error).message}`);
  }
  return {
    adapter: createAdapter(pub, sub) as ScaleOutOptions['adapter'],
    close: async () => {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
