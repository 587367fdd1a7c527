/**
 * fleetwire-mock as a child process, for the chaos test and `npm run bench -- chaos`:
 * started with --json (its one start line says where every port landed, so port
 * 0 works), stopped by a signal of the caller's choice (SIGKILL: a crash, nothing
 * saved; SIGTERM: graceful, --state-file written), restarted on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MAIN = 'packages/mock-backend/src/cli/main.ts';

export interface MockProcess {
  child: ChildProcess;
  pid: number;
  fleetUrl: string;
  fleetPort: number;
  adminUrl: string;
  adminToken: string;
  /** Every part's port and URL as the start line gave them (null: turned off). */
  endpoints: Record<string, { port: number; url: string } | null>;
  /** Cluster mode: the workers' pids (the start line's `workers`); empty for one process. */
  workers: number[];
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** GET on the admin API, JSON. */
  get<T = unknown>(path: string): Promise<T>;
  /** POST on the admin API; the status and the JSON (or null). */
  post(path: string, body: unknown): Promise<{ status: number; json: unknown }>;
}

/** Starts the mock with `args` (plus --json); rejects with its stderr when it exits or says nothing within `timeoutMs`. */
export function startMockProcess(args: string[], timeoutMs = 90_000): Promise<MockProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, '--json', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`fleetwire-mock ${args.join(' ')}: ${why}\n${err}`));
    };
    const timer = setTimeout(() => fail(`no start line within ${timeoutMs} ms`), timeoutMs);
    void exited.then((e) => fail(`exited (${e.code ?? e.signal}) before its start line`));
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const info = JSON.parse(out.slice(0, nl)) as { endpoints: Record<string, { port: number; url: string } | null>; credentials: { adminToken: string }; pid: number; workers?: number[] };
      const adminUrl = info.endpoints.admin!.url;
      const auth = { authorization: `Bearer ${info.credentials.adminToken}` };
      resolve({
        child,
        pid: info.pid,
        fleetUrl: info.endpoints.fleet!.url,
        fleetPort: info.endpoints.fleet!.port,
        adminUrl,
        adminToken: info.credentials.adminToken,
        endpoints: info.endpoints,
        workers: info.workers ?? [],
        exited,
        stop: (signal) => (child.exitCode !== null || child.signalCode !== null ? exited : (child.kill(signal), exited)),
        get: async <T>(path: string) => (await (await fetch(`${adminUrl}${path}`, { headers: auth })).json()) as T,
        post: async (path, body) => {
          const res = await fetch(`${adminUrl}${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
          const text = await res.text();
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          return { status: res.status, json };
        },
      });
    });
  });
}

/** A recorded lifecycle fact as GET /api/facts lists it. */
export interface FactJson {
  nodeId: string;
  event: 'instance_started' | 'instance_stopped';
  rentalId: string;
  containerId: string;
  receipts: number;
}

/** The idempotency key of a fact (shared/protocols decisions: event + rentalId + containerId). */
export const factKey = (f: { event: string; rentalId: string; containerId: string }) => `${f.event}|${f.rentalId}|${f.containerId}`;
