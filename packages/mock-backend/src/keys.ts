/**
 * API keys the mock backend accepts (fleet, monitor, vstats share one list).
 * File format: one key per line, optionally followed by whitespace and the fleet
 * node id the key stands for (`fw_… gpu-7`); blank lines and lines starting
 * with # are ignored.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

/** The key accepted when none are configured, printed by the CLI. */
export const DEV_KEY = 'fleetwire-dev-key';

/**
 * What logs and start lines show of a key: its first 4 characters and its length
 * (`fwk_…(40)`), enough to tell keys apart, never enough to use one. Non-strings
 * (a missing key) show as `(none)`.
 */
export function fingerprint(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) return '(none)';
  return `${key.slice(0, 4)}…(${key.length})`;
}

/**
 * Per-node dev keys: `dev-<nodeId>`, accepted when no keys are configured. This is
 * what the simulator and the example agent use by default, so `npm run mock` and
 * `npm run sim -- run --url …` meet with no flags, and each node still has a key of
 * its own (a key stands for one node: `dev-gpu-7` is node `gpu-7`).
 */
export const DEV_KEY_PREFIX = 'dev-';
const DEV_NODE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The per-node dev key of `nodeId` (`dev-<nodeId>`). */
export const devKeyFor = (nodeId: string): string => `${DEV_KEY_PREFIX}${nodeId}`;

export class KeyStore {
  private readonly keys: Set<string>;
  /** True when built without keys: the dev key and every `dev-<nodeId>` key are accepted. */
  readonly devMode: boolean;

  /** Key → fleet node id pairs configured with the keys (a fleet key registers only its node). */
  readonly nodes: ReadonlyMap<string, string>;

  /**
   * @param keys accepted keys; default (undefined): dev mode, {@link DEV_KEY} plus per-node `dev-<nodeId>` keys.
   * @param nodes key → node id pairs (see {@link nodes}); default none: a key binds to the first node it registers.
   */
  constructor(keys?: Iterable<string>, nodes: Iterable<readonly [string, string]> = []) {
    this.devMode = keys === undefined;
    this.keys = new Set(keys ?? [DEV_KEY]);
    this.nodes = new Map(nodes);
  }

  has(key: unknown): key is string {
    return typeof key === 'string' && (this.keys.has(key) || this.devNodeId(key) !== null);
  }

  /** The node a per-node dev key stands for (dev mode only), else null. */
  devNodeId(key: unknown): string | null {
    if (!this.devMode || typeof key !== 'string' || !key.startsWith(DEV_KEY_PREFIX)) return null;
    const id = key.slice(DEV_KEY_PREFIX.length);
    return DEV_NODE_ID.test(id) ? id : null;
  }

  add(key: string): void {
    this.keys.add(key);
  }

  delete(key: string): boolean {
    return this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
  }

  list(): string[] {
    return [...this.keys];
  }

  /** Parses the keys-file format: the keys (a `KEY NODE_ID` line gives its key). */
  static parse(text: string): string[] {
    return KeyStore.parseEntries(text).map((e) => e.key);
  }

  /** Parses the keys-file format into `{ key, nodeId? }` entries. */
  static parseEntries(text: string): { key: string; nodeId?: string }[] {
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#'))
      .map((l) => {
        const [key, nodeId] = l.split(/\s+/, 2) as [string, string | undefined];
        return nodeId ? { key, nodeId } : { key };
      });
  }

  /** Reads a keys file; throws a message naming the file when it is unreadable or empty. */
  static async fromFile(path: string): Promise<KeyStore> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read keys file ${path}: ${(err as Error).message}`);
    }
    const entries = KeyStore.parseEntries(text);
    if (entries.length === 0) throw new Error(`keys file ${path} has no keys (one API key per line)`);
    return new KeyStore(
      entries.map((e) => e.key),
      entries.flatMap((e) => (e.nodeId ? [[e.key, e.nodeId] as const] : [])),
    );
  }
}

/** `n` random keys, `fw_` + 32 hex chars each. */
export function generateKeys(n: number): string[] {
  return Array.from({ length: n }, () => `fw_${randomBytes(16).toString('hex')}`);
}

/** Writes `n` fresh keys to `path` in the keys-file format. Returns them. */
export async function writeKeysFile(path: string, n: number): Promise<string[]> {
  const keys = generateKeys(n);
  await writeFile(path, `# fleetwire API keys, one per line (${n})\n${keys.join('\n')}\n`, { mode: 0o600 });
  return keys;
}
