/**
 * Node stand-in for k6/http: k6's requests are synchronous, so this one hands
 * each request to a helper thread that runs fetch() and blocks the VU on
 * Atomics.wait until the answer is there (no child process per request: on a
 * busy box those took seconds each). Returns k6's Response shape (status,
 * body, json()). Only for running scripts in vitest; the VU runs in a worker
 * thread so the mock backend on the main thread can answer.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

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

const HELPER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ req, port, signal }) => {
  let out;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? undefined, signal: AbortSignal.timeout(30000) });
    out = { status: res.status, body: await res.text() };
  } catch (e) {
    out = { status: 0, body: '', error: String((e && e.message) || e) };
  }
  port.postMessage(out);
  port.close();
  const flag = new Int32Array(signal);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});`;

let helper: Worker | undefined;

export function request(method: string, url: string, body?: string | null, params?: Params | null): ShimResponse {
  if (!helper) {
    helper = new Worker(HELPER, { eval: true });
    helper.unref();
  }
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  helper.postMessage({ req: { method, url, body, headers: params?.headers ?? {} }, port: port2 as MessagePort, signal }, [port2 as MessagePort]);
  const waited = Atomics.wait(new Int32Array(signal), 0, 0, 45_000);
  const reply = receiveMessageOnPort(port1)?.message as { status: number; body: string; error?: string } | undefined;
  port1.close();
  const out = reply ?? { status: 0, body: '', error: waited === 'timed-out' ? 'request timed out' : 'request failed' };
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
