/**
 * Which key owns which node (fleet.md: "The HOST_API_KEY is a unique key
 * associated with a registered node"). Without it any valid key could claim any
 * nodeId, receive that node's commands and kick the real agent off (issue 15).
 *
 * - A node belongs to the first key that registers it (trust on first use), for
 *   the backend's lifetime: any other key claiming it is refused.
 * - A key stands for one node when that is known up front: a per-node dev key
 *   (`dev-<id>` is node `<id>`, dev mode only) or a configured pair (a keys file
 *   line `KEY NODE_ID`); it may then register no other node. A key without a
 *   pair may register several nodes (k6 and quick tries share one key), each of
 *   which is then that key's alone.
 */
import type { KeyStore } from '../keys.js';

export class NodeBindings {
  private readonly nodeOfKey = new Map<string, string>();
  private readonly keyOfNode = new Map<string, string>();

  /** @param pairs configured key → node pairs (bound both ways from the start). */
  constructor(
    private readonly keys: KeyStore,
    pairs: Iterable<readonly [string, string]> = [],
  ) {
    for (const [key, node] of pairs) {
      this.nodeOfKey.set(key, node);
      this.keyOfNode.set(node, key);
    }
  }

  /** The node `key` stands for (a dev-<id> key or a configured pair), else null. */
  nodeOf(key: string): string | null {
    return this.keys.devNodeId(key) ?? this.nodeOfKey.get(key) ?? null;
  }

  /** Why `key` may not register `nodeId`, or null when it may (nothing is recorded). */
  problem(key: string, nodeId: string): string | null {
    const own = this.nodeOf(key);
    if (own !== null && own !== nodeId) return `this key is bound to node ${own}, not ${nodeId}`;
    const owner = this.keyOfNode.get(nodeId);
    if (owner !== undefined && owner !== key) return `node ${nodeId} is registered with another key`;
    return null;
  }

  /** True when some key owns `nodeId` already. */
  isClaimed(nodeId: string): boolean {
    return this.keyOfNode.has(nodeId);
  }

  /**
   * Records that `key` owns `nodeId` as decided elsewhere (a cluster primary that
   * saw the claims of every worker in order): overrides this copy's own guess.
   */
  assign(key: string, nodeId: string): void {
    this.keyOfNode.set(nodeId, key);
  }

  /** Registers `nodeId` for `key` (its first key owns it). Returns the refusal reason instead when that is forbidden. */
  claim(key: string, nodeId: string): string | null {
    const p = this.problem(key, nodeId);
    if (p === null && !this.keyOfNode.has(nodeId)) this.keyOfNode.set(nodeId, key);
    return p;
  }
}
