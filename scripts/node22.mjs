#!/usr/bin/env node
/**
 * Runs the SDK's tests under Node 22 as well (npm test runs them under the
 * current Node first). Node 22 brings a built-in WebSocket (undici) whose
 * behaviour differs from `ws`; the SDK must work on both Node lines.
 *
 * The Node 22 binary comes from the `node@22` npm package, installed once into a
 * cache folder outside the repository (never into the workspace's lockfile):
 *   FLEETWIRE_NODE22      path of a node 22 binary to use as is, or
 *   FLEETWIRE_NODE22_DIR  the install folder (default ~/.cache/fleetwire/node22,
 *                         or $XDG_CACHE_HOME/fleetwire/node22).
 *
 * Usage: node scripts/node22.mjs --install   install (or check) the binary and print its path
 *        node scripts/node22.mjs [paths…]     run vitest under Node 22 (default: packages/sdk)
 * When the current Node already is 22, the tests have just run under it: nothing to do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const installOnly = args[0] === '--install';

function fail(message) {
  console.error(`node22: ${message}`);
  process.exit(1);
}

function versionOf(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The path of a Node 22 binary, installing `node@22` from npm into the cache folder when missing. */
function node22() {
  if (process.env.FLEETWIRE_NODE22) {
    const v = versionOf(process.env.FLEETWIRE_NODE22);
    if (!v?.startsWith('v22.')) fail(`FLEETWIRE_NODE22=${process.env.FLEETWIRE_NODE22} is not a Node 22 binary (${v ?? 'does not run'})`);
    return process.env.FLEETWIRE_NODE22;
  }
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const dir = process.env.FLEETWIRE_NODE22_DIR || join(cache, 'fleetwire', 'node22');
  const bin = join(dir, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (versionOf(bin)?.startsWith('v22.')) return bin;
  console.error(`node22: installing node@22 from npm into ${dir}`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--prefix', dir, 'node@22'], { stdio: 'inherit' });
  if (r.status !== 0) fail(`npm install node@22 failed (exit ${r.status}); set FLEETWIRE_NODE22 to a Node 22 binary instead`);
  const v = versionOf(bin);
  if (!v?.startsWith('v22.')) fail(`after npm install node@22, ${bin} is not a Node 22 binary (${v ?? 'does not run'})`);
  return bin;
}

if (process.versions.node.startsWith('22.') && !installOnly) {
  console.log('node22: already running on Node 22; the SDK tests ran under it');
  process.exit(0);
}
const bin = node22();
if (installOnly) {
  console.log(`node22: ${bin} (${versionOf(bin)})`);
  process.exit(0);
}
const paths = args.length ? args : ['packages/sdk'];
console.log(`node22: vitest run ${paths.join(' ')} under ${versionOf(bin)}`);
const r = spawnSync(bin, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...paths], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
