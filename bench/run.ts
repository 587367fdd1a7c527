/**
 * `npm run bench -- <name>` runs one benchmark; `npm run bench` lists them.
 * Each prints its figures as ratios against a baseline measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('-child') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const wanted = process.argv[2];
if (!wanted || !names.includes(wanted)) {
  if (wanted) console.error(`unknown benchmark '${wanted}'.`);
  console.log(`usage: npm run bench -- <name>\n\navailable: ${names.join(', ')}\nsee bench/README.md for what each measures and the figures of the last run.`);
  process.exit(wanted ? 2 : 0);
}
const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', `${dir}${wanted}.ts`, ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
