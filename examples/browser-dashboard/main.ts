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
    [m ? `${m.network.rx} / ${m.network.tx}` : '—', 'num'],
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
