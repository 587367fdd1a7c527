/**
 * A dashboard that stops reading must not grow the mock without bound (issue 15,
 * item 5). The mock runs as a child process (fleetwire-mock --ephemeral --json) so
 * its RSS is its own; four vstats dashboards stop reading for 30 s while an agent
 * streams large metrics reports and a second dashboard keeps reading. The stalled
 * ones are closed as a slow consumer (counted in /metrics); the mock's RSS stays
 * bounded, and the reading dashboard is served throughout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEV_KEY } from '@fleetwire/mock-backend';
import { until } from './admin-helpers.js';
import { sampleReport } from '../../sdk/test/vstats-fixtures.js';
import type { StartInfo } from '../src/cli/print.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = 'packages/mock-backend/src/cli/main.ts';
/** How long the dashboard stops reading (the figure). */
const STALL_MS = 30_000;
/** Extra bytes in each metrics report (passed through to dashboards: unknown fields are kept). */
const PAD = 128 * 1024;
/** Dashboards that stop reading. */
const STALLED = 4;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Resident set size of a Linux process, bytes (null where /proc is missing). */
function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function startMock(): Promise<{ child: ChildProcess; info: StartInfo }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, '--ephemeral', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.resume();
  await until(() => out.includes('\n') || child.exitCode !== null, 'the mock start line', 30_000);
  return { child, info: JSON.parse(out.split('\n')[0]!) as StartInfo };
}

function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

const report = (pad: string) => JSON.stringify({ type: 'metrics', data: sampleReport({ pad }) });

describe('mock backend: per-peer send-buffer bound', () => {
  it('a dashboard that stops reading for 30 s is closed as a slow consumer; the mock stays bounded', { timeout: STALL_MS + 60_000 }, async () => {
    const { child, info } = await startMock();
    const vstats = `ws://127.0.0.1:${info.endpoints.vstats!.port}`;
    const base = rssOf(child.pid!);

    // Each stalled dashboard holds its own copy of every frame queued for it: four of
    // them make an unbounded mock grow four times as fast for the same CPU spent.
    for (let i = 0; i < STALLED; i++) {
      const stalled = await open(`${vstats}/ws`);
      (stalled as unknown as { _socket: Socket })._socket.pause(); // stops reading: the kernel buffers fill, then the mock's
    }
    const reader = await open(`${vstats}/ws`);
    let readerFrames = 0;
    reader.on('message', () => readerFrames++);
    let readerClosed = false;
    reader.on('close', () => (readerClosed = true));
    const agent = await open(`${vstats}/ws/agent?token=${DEV_KEY}`);

    // Stream reports as fast as the mock takes them in (never more than 1 MiB queued on our side).
    const frame = report('x'.repeat(PAD));
    let sent = 0;
    let peak = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < STALL_MS) {
      if (agent.bufferedAmount < 1024 * 1024) (agent.send(frame), sent++);
      else await new Promise((r) => setTimeout(r, 5));
      if (sent % 16 === 0) {
        peak = Math.max(peak, rssOf(child.pid!) ?? 0);
        await new Promise((r) => setImmediate(r));
      }
    }
    const bytes = sent * frame.length;
    const metrics = await (await fetch(`${info.endpoints.admin!.url.replace(/\/+$/, '')}/metrics`)).text();
    const closes = Number(/fleetwire_mock_slow_consumer_closes_total\{dialect="vstats"\} (\d+)/.exec(metrics)?.[1] ?? NaN);
    console.log(
      `slow reader: ${sent} reports (${(bytes / 2 ** 20).toFixed(0)} MiB) in ${STALL_MS / 1000} s; ` +
        `held unbounded ${((bytes * STALLED) / 2 ** 20).toFixed(0)} MiB; mock RSS ${base === null ? '?' : (base / 2 ** 20).toFixed(0)} → peak ${(peak / 2 ** 20).toFixed(0)} MiB; slow-consumer closes ${closes}; reader got ${readerFrames} frames`,
    );
    // Unbounded, the stalled dashboards would have held this much: it must dwarf the bound
    // below, or the test proves nothing (a very loaded box streams less in 30 s).
    expect(bytes * STALLED).toBeGreaterThan(320 * 2 ** 20);
    expect(closes).toBe(STALLED);
    expect(readerClosed).toBe(false);
    expect(readerFrames).toBeGreaterThan(sent / 2);
    if (base !== null) expect(peak - base).toBeLessThan(160 * 2 ** 20);
  });
});
