/**
 * docs/conformance/*.md promise "no row without a test". This holds them to it:
 * every table row of a message or rule names at least one test, and every test
 * named (by its file's short key and its title, possibly shortened with "…")
 * exists in that file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}docs/conformance/`;
const norm = (s: string) => s.replace(/\\(.)/g, '$1').replace(/\s+/g, ' ');

for (const name of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
  describe(`docs/conformance/${name}`, () => {
    const text = readFileSync(dir + name, 'utf8');
    // `S` = `packages/…test.ts`  or  **LC** = `packages/…test.ts`
    const files = new Map<string, string>();
    for (const m of text.matchAll(/(?:`([A-Z]{1,3})`|\*\*([A-Z]{1,3})\*\*) = `([^`]+\.test\.ts)`/g)) {
      files.set((m[1] ?? m[2])!, norm(readFileSync(root + m[3], 'utf8')));
    }
    const lines = text.split('\n');
    const isSeparator = (l: string | undefined) => l !== undefined && /^\|[\s:|-]+\|$/.test(l);
    // Table body rows: not a separator, not a header (the line above a separator).
    const rows = lines.filter((l, i) => l.startsWith('| ') && !isSeparator(l) && !isSeparator(lines[i + 1]));

    it('maps its test keys to existing test files', () => {
      expect(files.size).toBeGreaterThan(0);
    });

    it('every row names a test, and every named test exists', () => {
      const missing: string[] = [];
      for (const row of rows) {
        const lastCell = row.split(' | ').at(-1)!;
        // KEY: `title` / KEY › "title" / KEY › `title`
        const refs = [
          ...lastCell.matchAll(/\b([A-Z]{1,3})(?::| ›) `([^`]+)`/g),
          // "…"-quoted titles may hold \"escaped\" quotes and a (parenthetical); more may follow after a comma.
          ...[...lastCell.matchAll(/\b([A-Z]{1,3}) › ((?:"(?:[^"\\]|\\.)*"(?: \([^)]*\))?(?:, )?)+)/g)].flatMap(([, key, list]) =>
            [...list!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((t) => [t[0], key, t[1]] as const),
          ),
        ];
        // Rows that cite a whole test file, or the S-all sweep of control-plane.md.
        const bare = /\bS-all\b|\.test\.ts`/.test(lastCell);
        if (refs.length === 0 && !bare) missing.push(`row without a test: ${row.slice(0, 80)}`);
        for (const [, key, title] of refs) {
          const src = files.get(key!);
          if (!src) {
            missing.push(`unknown test key ${key} in: ${row.slice(0, 60)}`);
            continue;
          }
          const last = title!.split(' › ').at(-1)!;
          for (const frag of last.split('…').map((f) => norm(f).trim()).filter((f) => f.length >= 8)) {
            if (!src.includes(frag)) missing.push(`${key}: no test titled like "${frag}"`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  });
}
