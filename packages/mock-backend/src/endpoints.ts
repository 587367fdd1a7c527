/**
 * The URLs a client needs, per dialect, as the CLI prints them. Paths are the
 * ones the protocol documents give (docs/protocols/*.md).
 */
import type { HttpHost } from './http-host.js';
import type { DialectName } from './faults/connections.js';

export interface Endpoint {
  port: number;
  /** The URL a client passes to the SDK. */
  url: string;
  /** Other documented URLs on the same port, by role. */
  paths?: Record<string, string>;
}

export type Endpoints = Record<DialectName, Endpoint | null> & { admin: Endpoint | null };

export function endpointsOf(host: string, own: Partial<Record<DialectName, Pick<HttpHost, 'port'>>>, adminPort: number | null, vstatsPort: number | null = null): Endpoints {
  const h = host.includes(':') ? `[${host}]` : host;
  const at = (d: DialectName, f: (http: string, ws: string, port: number) => Endpoint): Endpoint | null => {
    const s = d === 'vstats' && vstatsPort !== null ? { port: vstatsPort } : own[d];
    return s ? f(`http://${h}:${s.port}`, `ws://${h}:${s.port}`, s.port) : null;
  };
  return {
    fleet: at('fleet', (http, _ws, port) => ({ port, url: http, paths: { namespace: `${http}/fleet` } })),
    controlPlane: at('controlPlane', (_http, ws, port) => ({ port, url: `${ws}/ws` })),
    vstats: at('vstats', (_http, ws, port) => ({ port, url: `${ws}/ws`, paths: { dashboard: `${ws}/ws`, agent: `${ws}/ws/agent?token=<api-key>` } })),
    lightd: at('lightd', (_http, ws, port) => ({ port, url: `${ws}/ws/<internal_id>?token=<lightd-token>` })),
    monitor: at('monitor', (_http, ws, port) => ({
      port,
      url: `${ws}/api/v1/agents/ws`,
      paths: { agent: `${ws}/api/v1/agents/ws`, metrics: `${ws}/api/v1/ws/metrics/<server_id>`, logs: `${ws}/api/v1/ws/logs/<server_id>` },
    })),
    admin: adminPort === null ? null : { port: adminPort, url: `http://${h}:${adminPort}` },
  };
}
