/**
 * Node stand-in for k6/http: k6's requests are synchronous, so this one runs
 * each request in a child Node process (spawnSync) and returns k6's Response
 * shape (status, body, json()). Only for running scripts in vitest; the VU runs
 * in a worker thread so the mock backend on the main thread can answer.
 */
import { spawnSync } from 'node:child_process';

interface Params {
  headers?: Record<string, string>;
  timeout?: string | number;
  tags?: Record<string, string>;
}

export interface ShimResponse {
  status: number;
  body: string;
  error: string;
  json(): unknown;
}

const CHILD = `
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', async () => {
  const r = JSON.parse(input);
  try {
    const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body ?? undefined, signal: AbortSignal.timeout(10000) });
    process.stdout.write(JSON.stringify({ status: res.status, body: await res.text() }));
  } catch (e) {
    process.stdout.write(JSON.stringify({ status: 0, body: '', error: String(e && e.message || e) }));
  }
});`;

export function request(method: string, url: string, body?: string | null, params?: Params | null): ShimResponse {
  const r = spawnSync(process.execPath, ['-e', CHILD], { input: JSON.stringify({ method, url, body, headers: params?.headers ?? {} }), encoding: 'utf8', timeout: 15_000 });
  let out: { status: number; body: string; error?: string };
  try {
    out = JSON.parse(r.stdout) as typeof out;
  } catch {
    out = { status: 0, body: '', error: r.stderr || 'request failed' };
  }
  requests.push({ method, url, status: out.status });
  return {
    status: out.status,
    body: out.body,
    error: out.error ?? '',
    json: () => JSON.parse(out.body) as unknown,
  };
}

export const post = (url: string, body?: string | null, params?: Params | null) => request('POST', url, body, params);
export const get = (url: string, params?: Params | null) => request('GET', url, null, params);

/** Every request made, for the test to read. */
export const requests: { method: string; url: string; status: number }[] = [];
(globalThis as Record<string, unknown>).__k6http = { requests };

export default { request, post, get };
