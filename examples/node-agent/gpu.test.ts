import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes } from '@fleetwire/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { createGpuReader, NVIDIA_SMI_ARGS, parseNvidiaSmi, type ExecFileFn } from './gpu.js';

describe('parseNvidiaSmi', () => {
  it('reads one line per GPU into index-aligned arrays', () => {
    const out = parseNvidiaSmi('45, 30, 1024\n61, 97, 79872\n');
    expect(out).toEqual({
      gpuTemp: [45, 61],
      gpuUtilization: [30, 97],
      gpuMemoryUsedMb: [1024, 79872],
      skipped: [],
    });
  });

  it('accepts CRLF line ends and surrounding blank lines', () => {
    expect(parseNvidiaSmi('\r\n 50, 0, 3 \r\n\r\n').gpuTemp).toEqual([50]);
  });

  it('leaves out a whole GPU line with an unreadable field so arrays stay aligned', () => {
    const out = parseNvidiaSmi('40, 10, 100\n[N/A], 20, 200\n42, [Not Supported], 300\n43, 30, 400\n');
    expect(out.gpuTemp).toEqual([40, 43]);
    expect(out.gpuUtilization).toEqual([10, 30]);
    expect(out.gpuMemoryUsedMb).toEqual([100, 400]);
    expect(out.skipped).toEqual(['[N/A], 20, 200', '42, [Not Supported], 300']);
  });

  it('rejects empty fields and wrong field counts instead of reading them as 0', () => {
    const out = parseNvidiaSmi('45, , 1024\n45, 30\n45, 30, 1024, 7\n');
    expect(out.gpuTemp).toEqual([]);
    expect(out.skipped).toHaveLength(3);
  });

  it('returns empty arrays for empty output', () => {
    expect(parseNvidiaSmi('')).toEqual({ gpuTemp: [], gpuUtilization: [], gpuMemoryUsedMb: [], skipped: [] });
  });

  it('treats an error message on stdout as no GPUs, not as figures', () => {
    const out = parseNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n");
    expect(out.gpuTemp).toEqual([]);
    expect(out.skipped).toHaveLength(1);
  });
});

describe('createGpuReader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetwire-gpu-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the query with a timeout and returns the parsed figures', async () => {
    const calls: Array<{ file: string; args: readonly string[]; timeout: number }> = [];
    const execFile: ExecFileFn = async (file, args, opts) => {
      calls.push({ file, args, timeout: opts.timeout });
      return { stdout: '55, 12, 2048\n' };
    };
    const read = createGpuReader({ execFile, timeoutMs: 1234 });
    expect(await read()).toEqual({ gpuTemp: [55], gpuUtilization: [12], gpuMemoryUsedMb: [2048] });
    expect(calls).toEqual([{ file: 'nvidia-smi', args: NVIDIA_SMI_ARGS, timeout: 1234 }]);
    expect(read.available).toBe(true);
  });

  it('returns empty arrays when the command is not installed, and stops spawning it', async () => {
    let spawned = 0;
    const execFile: ExecFileFn = async () => {
      spawned++;
      throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
    };
    const read = createGpuReader({ execFile });
    expect(await read()).toEqual({ gpuTemp: [], gpuUtilization: [], gpuMemoryUsedMb: [] });
    expect(await read()).toEqual({ gpuTemp: [], gpuUtilization: [], gpuMemoryUsedMb: [] });
    expect(spawned).toBe(1);
    expect(read.available).toBe(false);
  });

  it('uses the real execFile: a missing binary gives empty arrays', async () => {
    const read = createGpuReader({ command: join(dir, 'no-such-nvidia-smi') });
    expect(await read()).toEqual({ gpuTemp: [], gpuUtilization: [], gpuMemoryUsedMb: [] });
    expect(read.available).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('kills a hanging nvidia-smi after the timeout and reports no figures', async () => {
    const script = join(dir, 'hanging-nvidia-smi');
    writeFileSync(script, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(script, 0o755);
    const warnings: string[] = [];
    const read = createGpuReader({ command: script, timeoutMs: 150, onWarning: (m) => warnings.push(m) });
    const started = Date.now();
    expect(await read()).toEqual({ gpuTemp: [], gpuUtilization: [], gpuMemoryUsedMb: [] });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(warnings).toEqual(['nvidia-smi failed: timed out after 150 ms; reporting no GPU figures']);
    expect(read.available).toBe(true);
  });

  it.skipIf(process.platform === 'win32')('reads a real executable that prints nvidia-smi output', async () => {
    const script = join(dir, 'fake-nvidia-smi');
    // Echo the arguments back on stderr-free stdout only when they are the expected query.
    writeFileSync(script, `#!/bin/sh\n[ "$1" = "${NVIDIA_SMI_ARGS[0]}" ] && [ "$2" = "${NVIDIA_SMI_ARGS[1]}" ] && printf '38, 0, 5\\n39, 100, 81000\\n'\n`);
    chmodSync(script, 0o755);
    const read = createGpuReader({ command: script });
    expect(await read()).toEqual({ gpuTemp: [38, 39], gpuUtilization: [0, 100], gpuMemoryUsedMb: [5, 81000] });
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => createGpuReader({ timeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.FW_INVALID_ARGUMENT, message: expect.stringMatching(/options\.timeoutMs must be a positive number/) }),
    );
    expect(() => createGpuReader({ command: '' })).toThrow(/options\.command must be a non-empty string/);
  });
});
