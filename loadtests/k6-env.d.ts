/**
 * Globals k6 provides that @types/k6 does not declare. k6's console has the
 * usual methods; declaring only these keeps scripts from using anything else.
 */
declare const console: {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
};
