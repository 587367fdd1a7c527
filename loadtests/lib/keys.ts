/**
 * Keys files: what `fleetwire-mock --generate-keys N` writes (one API key per
 * line) and what a team exports from its real control plane. Accepted:
 *   - one key per line;
 *   - `nodeId,key` or `nodeId key` per line, when identities are pre-registered;
 *   - a JSON array of strings or of `{ key | token | apiKey, nodeId | id }` objects.
 * Blank lines and `#` comments are ignored. Duplicated keys are refused: two
 * VUs with one key would log in as the same node.
 */

export interface AgentKey {
  key: string;
  /** Present when the file names the node the key belongs to. */
  nodeId?: string;
}

function fromJson(text: string): AgentKey[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`keys file looks like JSON but does not parse: ${(e as Error).message}`);
  }
  if (!Array.isArray(v)) throw new Error('keys file JSON must be an array');
  return v.map((item, i) => {
    if (typeof item === 'string') return { key: item };
    if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      const key = o.key ?? o.token ?? o.apiKey ?? o.api_key;
      const nodeId = o.nodeId ?? o.node_id ?? o.id;
      if (typeof key !== 'string' || key === '') throw new Error(`keys file entry ${i} has no string "key"`);
      return typeof nodeId === 'string' && nodeId !== '' ? { key, nodeId } : { key };
    }
    throw new Error(`keys file entry ${i} must be a string or an object`);
  });
}

function fromLines(text: string): AgentKey[] {
  const out: AgentKey[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s*,\s*|\s+/);
    if (parts.length === 1) out.push({ key: parts[0] as string });
    else if (parts.length === 2) out.push({ nodeId: parts[0] as string, key: parts[1] as string });
    else throw new Error(`keys file line ${i + 1}: expected "key" or "nodeId,key", got ${parts.length} fields`);
  }
  return out;
}

/** Parses a keys file's text. Throws an Error naming the line or entry at fault. */
export function parseKeysFile(text: string): AgentKey[] {
  const body = text.replace(/^\uFEFF/, '').trim();
  const keys = body.startsWith('[') ? fromJson(body) : fromLines(body);
  if (keys.length === 0) throw new Error('keys file holds no keys');
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.key)) throw new Error(`keys file repeats key "${k.key.slice(0, 8)}…": two agents would share one identity`);
    seen.add(k.key);
  }
  return keys;
}
