/**
 * msw is an optional peer dependency of @fleetwire/mock-backend: only the
 * `/msw` entry uses it, so an install of the mock backend or the simulator does
 * not carry it (~11 MB). Importing `/msw` without it fails with this error
 * instead of a bare "Cannot find package 'msw'".
 */
export function mswMissing(cause: unknown): Error {
  const code = (cause as { code?: string } | null)?.code;
  const message = (cause as { message?: unknown } | null)?.message;
  // Only msw itself missing; a dependency missing inside an installed msw keeps its own error.
  if ((code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') || !String(message).includes("'msw'")) return cause as Error;
  return new Error(
    '@fleetwire/mock-backend/msw needs msw 2, an optional peer dependency that is not installed: run `npm install --save-dev msw@^2.15.0`',
    { cause },
  );
}
