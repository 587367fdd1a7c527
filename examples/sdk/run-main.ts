/**
 * Shared by the example programs: run `main` when the file is executed
 * directly (`npx tsx examples/sdk/fleet.ts`), not when a test imports it, and
 * turn a failure into a message and exit code 1.
 */
import { pathToFileURL } from 'node:url';

export function runIfMain(moduleUrl: string, main: () => Promise<unknown>): void {
  const entry = process.argv[1];
  if (!entry || pathToFileURL(entry).href !== moduleUrl) return;
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
      process.exit(1);
    },
  );
}

/** A required environment variable, or a message saying which one is missing. */
export function env(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') throw new Error(`set ${name} (see examples/sdk/README.md)`);
  return v;
}
