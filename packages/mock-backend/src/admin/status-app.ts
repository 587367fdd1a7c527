/**
 * The status page's browser code, bundled by tsup at package build (dist/browser/status-app.js) or by esbuild from the sources (status-page.ts) and
 * served at /app.js. Live updates come through the SDK's own dashboard client,
 * ControlPlaneEvents, so the page doubles as proof that the SDK works in a
 * browser. /status.json gives the first snapshot and, once a second, the
 * heartbeat count (the control-plane stream throttles agent:heartbeat per node,
 * so a rate computed from it would be wrong).
 */
import { ControlPlaneEvents } from '@fleetwire/sdk';

interface NodeRow {
  nodeId: string;
  connection: 'ONLINE' | 'OFFLINE';
  agentStatus: string | null;
}
interface Snapshot {
  controlPlaneUrl: string | null;
  heartbeats: number;
  at: number;
  summary: { online: number; offline: number; maintenance: number; busy: number; runningRentals: number };
  nodes: NodeRow[];
  rentals: { rentalId: string; nodeId: string; state: string }[];
  /** The control-plane events since the backend started, oldest first (GET /status.json). */
  history: { at: number; event: string; data: Record<string, unknown> }[];
}

/** One event as a line of the list (the same words for history and live events). */
function textOf(event: string, d: Record<string, unknown>): string {
  const s = (k: string) => String(d[k] ?? '');
  switch (event) {
    case 'agent:registered':
      return `${s('agentId')} online`;
    case 'agent:offline':
      return `${s('agentId')} offline${d['reason'] ? ` (${s('reason')})` : ''}`;
    case 'instance:created':
      return `instance ${s('instanceId')} created`;
    case 'instance:status_changed':
      return `instance ${s('instanceId')} ${s('status')}`;
    case 'system:error':
      return `system error ${s('code')}: ${s('message')}`;
    default:
      return event.startsWith('job:') ? `${event} ${s('jobId').slice(0, 8)}` : `${event} ${s('instanceId') || s('agentId')}`.trim();
  }
}

const $ = (id: string) => document.getElementById(id)!;
const nodes = new Map<string, NodeRow>();
const running = new Set<string>();
let last: { heartbeats: number; at: number } | null = null;

function render(): void {
  let online = 0, offline = 0, maintenance = 0;
  const rows: string[] = [];
  for (const n of [...nodes.values()].sort((a, b) => a.nodeId.localeCompare(b.nodeId))) {
    if (n.connection === 'ONLINE') online++;
    else offline++;
    if (n.connection === 'ONLINE' && n.agentStatus === 'maintenance') maintenance++;
    const state = n.connection === 'ONLINE' ? (n.agentStatus === 'maintenance' ? 'maintenance' : 'online') : 'offline';
    rows.push(`<tr data-node="${esc(n.nodeId)}" data-state="${state}"><td>${esc(n.nodeId)}</td><td class="${state}">${state}</td><td>${esc(n.agentStatus ?? '')}</td></tr>`);
  }
  $('online').textContent = String(online);
  $('offline').textContent = String(offline);
  $('maintenance').textContent = String(maintenance);
  $('rentals').textContent = String(running.size);
  $('nodes').innerHTML = rows.join('');
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function event(text: string, at = Date.now()): void {
  const li = document.createElement('li');
  li.textContent = `${new Date(at).toLocaleTimeString()}  ${text}`;
  const list = $('events');
  list.prepend(li);
  while (list.children.length > 500) list.lastChild!.remove();
}

async function poll(): Promise<Snapshot> {
  const s = (await (await fetch('/status.json', { cache: 'no-store' })).json()) as Snapshot;
  if (last && s.at > last.at) $('hbps').textContent = ((s.heartbeats - last.heartbeats) / ((s.at - last.at) / 1000)).toFixed(1);
  last = { heartbeats: s.heartbeats, at: s.at };
  return s;
}

async function main(): Promise<void> {
  const snap = await poll();
  for (const n of snap.nodes) nodes.set(n.nodeId, n);
  for (const r of snap.rentals) if (r.state === 'running') running.add(r.rentalId);
  // What happened before this page was opened: every event since the backend started.
  for (const h of snap.history ?? []) event(textOf(h.event, h.data), h.at);
  render();
  setInterval(() => void poll().catch(() => {}), 1000);
  if (!snap.controlPlaneUrl) return void ($('live').textContent = 'control-plane off: no live updates');

  const cp = new ControlPlaneEvents({ url: snap.controlPlaneUrl });
  cp.on('connected', () => ($('live').textContent = 'live'));
  cp.on('disconnected', () => ($('live').textContent = 'reconnecting…'));
  cp.on('agent:registered', (d) => {
    const n = nodes.get(d.agentId);
    nodes.set(d.agentId, { nodeId: d.agentId, connection: 'ONLINE', agentStatus: n?.agentStatus ?? null });
    event(textOf('agent:registered', d));
    render();
  });
  cp.on('agent:offline', (d) => {
    const n = nodes.get(d.agentId);
    nodes.set(d.agentId, { nodeId: d.agentId, connection: 'OFFLINE', agentStatus: n?.agentStatus ?? null });
    event(textOf('agent:offline', d));
    render();
  });
  cp.on('agent:heartbeat', (d) => {
    const n = nodes.get(d.agentId);
    const status = (d as { status?: string }).status;
    if (n && typeof status === 'string' && status !== n.agentStatus) (n.agentStatus = status), render();
  });
  cp.on('instance:created', (d) => (running.add(d.instanceId), event(`instance ${d.instanceId} created`), render()));
  cp.on('instance:status_changed', (d) => {
    if (d.status !== 'RUNNING') running.delete(d.instanceId);
    event(`instance ${d.instanceId} ${d.status}`);
    render();
  });
  cp.on('job:*', (m) => event(`${m.event} ${(m.data as { jobId: string }).jobId.slice(0, 8)}`));
  cp.on('system:error', (d) => event(`system error ${d.code}: ${d.message}`));
  cp.connect();
}

main().catch((err) => ($('live').textContent = `failed: ${(err as Error).message}`));
