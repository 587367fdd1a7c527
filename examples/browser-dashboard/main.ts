/**
 * A live vstats dashboard in the browser, built on the SDK's VStatsDashboard:
 * the client keeps the map of servers (added, removed, online, last metrics)
 * and reconnects by itself; the page only renders that map on every change.
 *
 * The vstats URL comes from `?vstats=ws://host:port` (default ws://127.0.0.1:3001).
 */
import { VStatsDashboard, type VStatsServer } from '@fleetwire/sdk';

const url = new URLSearchParams(location.search).get('vstats') ?? 'ws://127.0.0.1:3001';
const dashboard = new VStatsDashboard({ url });
const tbody = document.getElementById('servers')!;
const state = document.getElementById('state')!;

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

/** Bytes with a binary unit (B, KiB, MiB, GiB, TiB): network totals span bytes to terabytes. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** The last two network samples per server, for a rate between two reports. */
type NetSample = { rx: number; tx: number; at: number };
const nets = new Map<string, { cur: NetSample; prev: NetSample | null }>();

/** `1.0 GiB / 512.0 MiB (12.0 KiB/s / 3.0 KiB/s)`: totals since boot, and the rate between the last two reports. */
function network(id: string, rx: number, tx: number, at: number): string {
  let n = nets.get(id);
  if (!n) nets.set(id, (n = { cur: { rx, tx, at }, prev: null }));
  else if (n.cur.at !== at) (n.prev = n.cur), (n.cur = { rx, tx, at });
  const base = `${bytes(rx)} / ${bytes(tx)}`;
  const p = n.prev;
  if (!p || at <= p.at || rx < p.rx || tx < p.tx) return base;
  const sec = (at - p.at) / 1000;
  return `${base} (${bytes((rx - p.rx) / sec)}/s / ${bytes((tx - p.tx) / sec)}/s)`;
}

function row(s: Readonly<VStatsServer>): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset.server = s.id;
  tr.dataset.online = String(s.online);
  const m = s.lastMetrics;
  const cells: [string, string?][] = [
    ['●', 'dot'],
    [s.name || s.id],
    [s.location || '—'],
    [m ? m.cpu.usage.toFixed(1) : '—', 'num'],
    [m ? `${mb(m.memory.used)} / ${mb(m.memory.total)}` : '—', 'num'],
    [m ? network(s.id, m.network.rx, m.network.tx, Date.parse(s.updatedAt)) : '—', 'num'],
    [new Date(s.updatedAt).toLocaleTimeString()],
  ];
  for (const [text, cls] of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.append(td);
  }
  return tr;
}

function render(): void {
  tbody.replaceChildren(...[...dashboard.servers.values()].sort((a, b) => a.id.localeCompare(b.id)).map(row));
}

for (const e of ['server_added', 'server_removed', 'status', 'metrics'] as const) dashboard.on(e, render);
dashboard.on('state', (t) => {
  state.textContent = t.to === 'connected' ? 'live' : `${t.to} (${t.reason})`;
  render();
});
dashboard.on('error', (e) => console.warn(e.code, e.message));
dashboard.connect();
