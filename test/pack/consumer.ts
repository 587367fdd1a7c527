/**
 * Builds the three packages, packs them with `npm pack` and installs the
 * tarballs into a scratch consumer folder outside the repository — what a new
 * user gets from `npm install @fleetwire/sdk`. Used by consumer.test.ts.
 *
 * Kept fast on purpose: one build, one `npm pack` for all three workspaces, one
 * `npm install --prefer-offline` (the npm cache serves the third-party
 * dependencies after the first run), no install scripts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The published packages: workspace folder → package name. */
export const PACKAGES = { sdk: '@fleetwire/sdk', 'mock-backend': '@fleetwire/mock-backend', simulator: '@fleetwire/simulator' } as const;
export type PackageDir = keyof typeof PACKAGES;

export interface Consumer {
  /** The scratch project the tarballs are installed into. */
  dir: string;
  /** Tarball path per workspace folder. */
  tarballs: Record<PackageDir, string>;
}

/** Runs a command; on failure the error says which command and carries its output. */
export async function sh(cmd: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    return stdout + stderr;
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${x.message}\n${x.stdout ?? ''}\n${x.stderr ?? ''}`);
  }
}

/** The version of a root devDependency, so the consumer's @types/node matches the repo's. */
async function rootDevVersion(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return pkg.devDependencies[name] ?? 'latest';
}

/** Builds, packs and installs. Takes a minute or two (mostly the build). */
export async function packAndInstall(): Promise<Consumer> {
  await sh('npm', ['run', 'build'], ROOT, 480_000);
  const dir = await mkdtemp(join(tmpdir(), 'fleetwire-consumer-'));
  const packDir = join(dir, 'tarballs');
  await mkdir(packDir);
  const ws = Object.keys(PACKAGES).flatMap((d) => ['-w', `packages/${d}`]);
  await sh('npm', ['pack', '--silent', '--pack-destination', packDir, ...ws], ROOT);
  const files = await readdir(packDir);
  const tarballs = Object.fromEntries(
    Object.keys(PACKAGES).map((d) => {
      const f = files.find((x) => x.startsWith(`fleetwire-${d}-`) && x.endsWith('.tgz'));
      if (!f) throw new Error(`npm pack made no tarball for packages/${d} (got ${files.join(', ')})`);
      return [d, join(packDir, f)];
    }),
  ) as Record<PackageDir, string>;
  // "type": "module": .ts/.js files are ESM, .cts/.cjs are CommonJS (both are checked).
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'fleetwire-consumer', private: true, type: 'module' }, null, 2));
  await sh(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--loglevel=error', ...Object.values(tarballs), `@types/node@${await rootDevVersion('@types/node')}`],
    dir,
  );
  return { dir, tarballs };
}
