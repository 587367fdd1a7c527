/** What fleetwire-mock prints at start: endpoints and the credentials they accept. */
import type { MockBackend } from '../backend.js';
import { DEV_KEY } from '../keys.js';

export interface StartInfo {
  endpoints: MockBackend['endpoints'];
  credentials: {
    /** A key every key-checking dialect accepts (the dev key, or the first of the file). */
    apiKey: string;
    /** How many keys are accepted. */
    apiKeys: number;
    keysFile: string | null;
    adminToken: string;
  };
  pid: number;
}

export function startInfo(b: MockBackend, keysFile: string | null): StartInfo {
  return {
    endpoints: b.endpoints,
    credentials: { apiKey: b.keys.list()[0] ?? DEV_KEY, apiKeys: b.keys.size, keysFile, adminToken: b.adminToken },
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
  lines.push(`  API key        ${c.apiKey}${c.apiKeys > 1 ? `  (+${c.apiKeys - 1} more from ${c.keysFile})` : c.keysFile ? ` (from ${c.keysFile})` : ' (dev key)'}`);
  lines.push(`  admin token    ${c.adminToken}   e.g. curl -H 'Authorization: Bearer ${c.adminToken}' ${e.admin?.url ?? ''}/api/nodes`);
  lines.push('lightd tokens and monitor dashboard JWTs: POST /api/lightd/tokens, POST /api/monitor/tokens (README)');
  lines.push('Ctrl-C stops it.');
  return lines.join('\n');
}
