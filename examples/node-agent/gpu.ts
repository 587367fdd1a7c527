/**
 * GPU figures from `nvidia-smi`, the only source this example trusts: when the
 * tool is absent, fails or times out, the arrays are empty — never invented.
 */
import { execFile as nodeExecFile } from 'node:child_process';
import { ErrorCodes, FleetwireError } from '@fleetwire/sdk';

/** Per-GPU figures, index-aligned: element i of every array is GPU i (as listed by nvidia-smi). */
export interface GpuFigures {
  gpuTemp: number[];
  gpuUtilization: number[];
  gpuMemoryUsedMb: number[];
}

/** What {@link parseNvidiaSmi} returns: the figures plus the lines it had to leave out. */
export interface NvidiaSmiParse extends GpuFigures {
  /** Lines that were not three finite numbers (e.g. `[N/A]`, `[Not Supported]`), kept for logging. */
  skipped: string[];
}

/** The query the heartbeat needs; order matters for {@link parseNvidiaSmi}. */
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=temperature.gpu,utilization.gpu,memory.used',
  '--format=csv,noheader,nounits',
] as const;

/**
 * Parses `nvidia-smi --query-gpu=temperature.gpu,utilization.gpu,memory.used
 * --format=csv,noheader,nounits` output: one line per GPU, e.g. `45, 30, 1024`.
 *
 * A line with a field that is not a finite number (`[N/A]` on some boards) is
 * left out as a whole, so the three arrays stay index-aligned per GPU rather
 * than pairing one GPU's temperature with another's memory. Pure.
 */
export function parseNvidiaSmi(stdout: string): NvidiaSmiParse {
  const out: NvidiaSmiParse = { gpuTemp: [], gpuUtilization: [], gpuMemoryUsedMb: [], skipped: [] };
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const fields = line.split(',').map((f) => f.trim());
    // Number('') is 0, so empty fields must be rejected explicitly.
    const nums = fields.map((f) => (f === '' ? Number.NaN : Number(f)));
    if (nums.length !== 3 || !nums.every(Number.isFinite)) {
      out.skipped.push(line);
      continue;
    }
    out.gpuTemp.push(nums[0]!);
    out.gpuUtilization.push(nums[1]!);
    out.gpuMemoryUsedMb.push(nums[2]!);
  }
  return out;
}

/** The subset of `child_process.execFile` the reader uses; injectable for tests. */
export type ExecFileFn = (
  file: string,
  args: readonly string[],
  options: { timeout: number; windowsHide: boolean },
) => Promise<{ stdout: string }>;

/** Options for {@link createGpuReader}. */
export interface GpuReaderOptions {
  /** Executable to run. Default `'nvidia-smi'` (looked up on PATH). */
  command?: string;
  /** Kill nvidia-smi after this many ms (a wedged driver can hang it for minutes). Default 2000. */
  timeoutMs?: number;
  /** Called with a one-line reason when GPU figures could not be read (other than "not installed"). Default: none. */
  onWarning?: (message: string) => void;
  /** Replacement for `child_process.execFile`. Default: Node's, promisified. */
  execFile?: ExecFileFn;
}

/** Reads GPU figures; `available` turns false once the command proved absent. */
export interface GpuReader {
  (): Promise<GpuFigures>;
  /** `undefined` until the first read; `false` when the command is not installed. */
  readonly available: boolean | undefined;
}

const empty = (): GpuFigures => ({ gpuTemp: [], gpuUtilization: [], gpuMemoryUsedMb: [] });

const defaultExecFile: ExecFileFn = (file, args, options) =>
  new Promise((resolve, reject) => {
    nodeExecFile(file, args, { ...options, encoding: 'utf8' }, (err, stdout) => {
      if (err) reject(err);
      else resolve({ stdout });
    });
  });

/**
 * Creates a reader that runs nvidia-smi once per call. When the command is
 * missing (ENOENT) the reader remembers it and stops spawning, so a GPU-less
 * host does not fork a failing process every heartbeat.
 */
export function createGpuReader(options: GpuReaderOptions = {}): GpuReader {
  const command = options.command ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? 2000;
  if (typeof command !== 'string' || command === '') {
    throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, `createGpuReader: options.command must be a non-empty string, got ${JSON.stringify(command)}`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new FleetwireError(ErrorCodes.FW_INVALID_ARGUMENT, `createGpuReader: options.timeoutMs must be a positive number of ms, got ${String(timeoutMs)}`);
  }
  const run = options.execFile ?? defaultExecFile;
  let available: boolean | undefined;

  const read = async (): Promise<GpuFigures> => {
    if (available === false) return empty();
    let stdout: string;
    try {
      ({ stdout } = await run(command, NVIDIA_SMI_ARGS, { timeout: timeoutMs, windowsHide: true }));
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') {
        available = false;
        return empty();
      }
      // Installed but failing (no driver, timeout): keep trying next time, it may recover.
      available = true;
      const why = e.killed ? `timed out after ${timeoutMs} ms` : (e.message ?? String(err)).split('\n')[0];
      options.onWarning?.(`nvidia-smi failed: ${why}; reporting no GPU figures`);
      return empty();
    }
    available = true;
    const parsed = parseNvidiaSmi(stdout);
    if (parsed.skipped.length > 0) {
      options.onWarning?.(`nvidia-smi: left out unreadable line(s): ${parsed.skipped.join(' | ')}`);
    }
    return { gpuTemp: parsed.gpuTemp, gpuUtilization: parsed.gpuUtilization, gpuMemoryUsedMb: parsed.gpuMemoryUsedMb };
  };
  return Object.defineProperty(read, 'available', { get: () => available, enumerable: true }) as GpuReader;
}
