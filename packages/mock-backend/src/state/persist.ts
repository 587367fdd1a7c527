/**
 * `--state-file`: the fleet state (nodes, rentals, lifecycle facts) survives a
 * graceful restart. Written once when the backend closes (SIGTERM / SIGINT /
 * close()), atomically (temp file + rename, so a crash mid-write leaves the old
 * file), and read at start. A SIGKILL writes nothing: what the killed process
 * learned since its start is lost, as with any in-memory control plane; agents
 * re-report their running rentals on reconnect (fleet.md decisions), so the
 * running set comes back either way. Other dialects' state is not kept.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { FleetState, InstanceFact, NodeRecord, RentalRecord } from './fleet.js';

const VERSION = 1;

/** The fleet state as plain JSON: what --state-file holds and what a cluster primary hands a worker at start. */
export interface FleetSnapshot {
  version: number;
  savedAt: string;
  lifecycleReceipts: number;
  nodes: (Omit<NodeRecord, 'rentals'> & { rentals: RentalRecord[] })[];
  facts: InstanceFact[];
}

/** `state` as a snapshot (nodes keep their connection as it is now). */
export function snapshotOf(state: FleetState): FleetSnapshot {
  return {
    version: VERSION,
    savedAt: new Date().toISOString(),
    lifecycleReceipts: state.lifecycleReceipts,
    nodes: [...state.nodes.values()].map((n) => ({ ...n, rentals: [...n.rentals.values()] })),
    facts: [...state.facts.values()],
  };
}

/** Fills `state` (which should be empty) from `snap`; `offline` turns every node OFFLINE (a restart: nobody is connected yet). */
export function applySnapshot(state: FleetState, snap: FleetSnapshot, offline: boolean): void {
  for (const n of snap.nodes) {
    const rec = state.node(n.nodeId);
    Object.assign(rec, { ...n, ...(offline ? { connection: 'OFFLINE' } : {}), rentals: new Map(n.rentals.map((r) => [r.rentalId, r])) });
  }
  for (const f of snap.facts) state.facts.set(`${f.event}|${f.rentalId}|${f.containerId}`, f);
  state.lifecycleReceipts = Number(snap.lifecycleReceipts) || 0;
}

/** Writes `state` to `file` atomically. */
export async function saveFleetState(state: FleetState, file: string): Promise<void> {
  const snap = snapshotOf(state);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snap), { mode: 0o600 });
  await rename(tmp, file);
}

/**
 * Loads `file` into `state` (which should be empty). A missing file is a first
 * start: returns false. A file that is not a snapshot of this version throws
 * with a message naming the file. Nodes come back OFFLINE until they reconnect.
 */
export async function loadFleetState(state: FleetState, file: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  let snap: FleetSnapshot;
  try {
    snap = JSON.parse(text) as FleetSnapshot;
  } catch (err) {
    throw new Error(`state file ${file} is not JSON (${(err as Error).message}); move it away to start empty`);
  }
  if (!snap || typeof snap !== 'object' || snap.version !== VERSION || !Array.isArray(snap.nodes) || !Array.isArray(snap.facts)) {
    throw new Error(`state file ${file} is not a fleetwire-mock state file of version ${VERSION}; move it away to start empty`);
  }
  applySnapshot(state, snap, true);
  return true;
}
