/**
 * The `--keys FILE` formats: one key per agent, in order (agent i gets entry i).
 * Accepted, so that the mock backend's generated file works as is:
 * - plain text, one key per line (blank lines and `#` comments skipped);
 * - a JSON array of strings;
 * - a JSON array of objects `{ key | apiKey | api_key | token, nodeId | node_id | id? }`,
 *   or an object holding such an array under `keys`, `nodes` or `agents`.
 * When an entry names its nodeId, the agent reports that nodeId (the control
 * plane knows the node by it); otherwise the fleet plan draws one from the seed.
 */
import { invalidArgument } from './sdk.js';

/** One agent's credentials. */
export interface KeyEntry {
  key: string;
  nodeId?: string;
}

const KEY_FIELDS = ['key', 'apiKey', 'api_key', 'token'] as const;
const ID_FIELDS = ['nodeId', 'node_id', 'id'] as const;

function entryFrom(item: unknown, at: number): KeyEntry {
  if (typeof item === 'string' && item.length > 0) return { key: item };
  if (item && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const key = KEY_FIELDS.map((f) => o[f]).find((v) => typeof v === 'string' && v.length > 0) as string | undefined;
    const nodeId = ID_FIELDS.map((f) => o[f]).find((v) => typeof v === 'string' && v.length > 0) as string | undefined;
    if (key) return nodeId ? { key, nodeId } : { key };
  }
  return invalidArgument(`keys file: entry ${at + 1} has no key (expected a non-empty string or an object with one of ${KEY_FIELDS.join(', ')})`);
}

/** Parses a keys file's text. Throws FW_INVALID_ARGUMENT naming the bad entry; duplicates are refused (two agents with one key would fight over one node). */
export function parseKeysFile(text: string): KeyEntry[] {
  const trimmed = text.trim();
  let entries: KeyEntry[];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (err) {
      return invalidArgument(`keys file: looks like JSON but does not parse (${(err as Error).message})`);
    }
    if (!Array.isArray(data) && data && typeof data === 'object') {
      const o = data as Record<string, unknown>;
      data = o['keys'] ?? o['nodes'] ?? o['agents'];
    }
    if (!Array.isArray(data)) return invalidArgument('keys file: JSON must be an array, or an object with a "keys", "nodes" or "agents" array');
    entries = data.map(entryFrom);
  } else {
    entries = trimmed
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith('#'))
      .map((key) => ({ key }));
  }
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const prev = seen.get(e.key);
    if (prev !== undefined) invalidArgument(`keys file: entries ${prev + 1} and ${i + 1} have the same key; each agent needs its own`);
    seen.set(e.key, i);
  });
  return entries;
}
