import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/close-exits.ts', import.meta.url));

describe('timers never keep a Node process alive after close()', () => {
  it('a process whose agents are closed exits by itself, well before their 60 s timers', async () => {
    const started = Date.now();
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--conditions=source', '--import', 'tsx', fixture], { timeout: 15_000 }, (err, out) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout: out }),
      );
      child.stdin?.end();
    });
    expect(stdout).toContain('closed');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});
