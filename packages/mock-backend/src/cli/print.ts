/** What fleetwire-mock prints at start: endpoints and the credentials they accept. */
import type { MockBackend } from '../backend.js';
import { DEV_KEY, DEV_KEY_PREFIX, fingerprint } from '../keys.js';

export interface StartInfo {
  endpoints: MockBackend['endpoints'];
  credentials: {
    /**
     * The dev key when it is the accepted one (it is public: documented and built in);
     * null when keys come from a file — those are secrets and never printed.
     */
    apiKey: string | null;
    /** First 4 characters + length of the first accepted key (the dev key, or the first of the file). */
    apiKeyFingerprint: string;
    /** How many keys are accepted (dev mode: the dev key; per-node `dev-<nodeId>` keys come on top). */
    apiKeys: number;
    /** Dev mode: any `dev-<nodeId>` key is accepted for node `<nodeId>` (what the simulator and the example agent use). */
    devKeys: string | null;
    keysFile: string | null;
    adminToken: string;
  };
  pid: number;
  /** Cluster mode (--workers): every worker's pid (`pid` is the primary's: signal that one). */
  workers?: number[];
}

/** Why the mock could not start, with a hint naming the flag when a port is taken. */
export async function startFailure(err: unknown, options: import('../backend.js').MockBackendOptions): Promise<string> {
  const e = err as NodeJS.ErrnoException & { port?: number };
  let hint = '';
  if (e.code === 'EADDRINUSE') {
    const { resolvePorts, partsOnPort, PORT_FLAGS } = await import('../ports.js');
    const parts = e.port === undefined ? [] : partsOnPort(resolvePorts(options), e.port);
    const flags = parts.map((p) => PORT_FLAGS[p]).join(' / ') || 'the --…-port flag of that part';
    hint = ` (port ${e.port ?? ''} is taken${parts.length ? ` by another process; it is the ${parts.join(' and ')} port` : ''}: pass ${flags} with another port, or --ephemeral)`;
  }
  return `${e.message}${hint}`;
}

export function startInfo(b: MockBackend, keysFile: string | null): StartInfo {
  const first = b.keys.list()[0] ?? DEV_KEY;
  return {
    endpoints: b.endpoints,
    credentials: { apiKey: first === DEV_KEY ? DEV_KEY : null, apiKeyFingerprint: fingerprint(first), apiKeys: b.keys.size, devKeys: b.keys.devMode ? `${DEV_KEY_PREFIX}<nodeId>` : null, keysFile, adminToken: b.adminToken },
    pid: process.pid,
  };
}

/** The human-readable block. */
export function describe(info: StartInfo): string {
  const e = info.endpoints;
  const lines = ['fleetwire mock backend'];
  const row = (name: string, v: string | undefined) => lines.push(`  ${name.padEnd(14)} ${v ?? 'off'}`);
  row('fleet', e.fleet ? `${e.fleet.url}  (Socket.IO namespace /fleet)` : undefined);
  row('control-plane', e.controlPlane?.url);
  row('vstats', e.vstats ? `${e.vstats.url}  (agents: ${e.vstats.paths?.agent})` : undefined);
  row('lightd', e.lightd?.url);
  row('monitor', e.monitor ? `${e.monitor.url}  (dashboards: ${e.monitor.paths?.metrics})` : undefined);
  row('admin', e.admin ? `${e.admin.url}  (status page /, metrics /metrics, API /api)` : undefined);
  const c = info.credentials;
  lines.push('credentials');
  // A key from a file is a secret: its fingerprint only (the admin token is printed once, below: it is how a user learns it).
  const key = c.apiKey ?? `${c.apiKeyFingerprint} (fingerprint; the keys are in the file)`;
  lines.push(`  API key        ${key}${c.apiKeys > 1 ? `  (+${c.apiKeys - 1} more from ${c.keysFile})` : c.keysFile ? ` (from ${c.keysFile})` : ' (dev key)'}`);
  if (c.devKeys) lines.push(`  per-node keys  ${c.devKeys}  (dev mode: node <nodeId> may use its own key; the simulator does by default)`);
  lines.push(`  admin token    ${c.adminToken}   e.g. curl -H 'Authorization: Bearer ${c.adminToken}' ${e.admin?.url ?? ''}/api/nodes`);
  lines.push('lightd tokens and monitor dashboard JWTs: POST /api/lightd/tokens, POST /api/monitor/tokens (README)');
  if (info.workers) lines.push(`workers          ${info.workers.length} processes behind the same ports (pids ${info.workers.join(', ')}); the primary is ${info.pid}`);
  lines.push('Ctrl-C stops it.');
  return lines.join('\n');
}
