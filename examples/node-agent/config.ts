/**
 * The example agent's configuration, from environment variables. Every value is
 * checked up front so a typo fails at start with a message, not later on the wire.
 */
import { hostname } from 'node:os';

export interface AgentConfig {
  url: string;
  apiKey: string;
  nodeId: string;
  heartbeatIntervalMs: number;
  /** Run real containers with the docker CLI. */
  docker: boolean;
  sshHost: string;
}

export const ENV_HELP = `Environment:
  FLEETWIRE_URL           control plane base URL        (default http://127.0.0.1:3000)
  FLEETWIRE_API_KEY       this node's HOST_API_KEY      (default dev-<node id>, the mock backend's per-node dev key)
  FLEETWIRE_NODE_ID       this node's id                (default the hostname)
  FLEETWIRE_HEARTBEAT_MS  heartbeat period in ms        (default 5000)
  FLEETWIRE_DOCKER        1 = run rentals with the docker CLI; otherwise start_instance is refused
  FLEETWIRE_SSH_HOST      host put in connectionInfo    (default the hostname)`;

/** Parses the environment; returns an error message instead of throwing. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AgentConfig | { error: string } {
  const url = env.FLEETWIRE_URL ?? 'http://127.0.0.1:3000';
  if (!/^(https?|wss?):\/\//.test(url)) return { error: `FLEETWIRE_URL must start with http://, https://, ws:// or wss:// (got ${JSON.stringify(url)})` };
  const nodeId = env.FLEETWIRE_NODE_ID || hostname();
  // The mock backend (npm run mock) accepts dev-<nodeId> for node <nodeId> in dev mode.
  const apiKey = env.FLEETWIRE_API_KEY ?? `dev-${nodeId}`;
  if (!apiKey.trim()) return { error: 'FLEETWIRE_API_KEY is empty' };
  const hb = env.FLEETWIRE_HEARTBEAT_MS === undefined ? 5000 : Number(env.FLEETWIRE_HEARTBEAT_MS);
  if (!Number.isFinite(hb) || hb < 100) return { error: `FLEETWIRE_HEARTBEAT_MS must be a number ≥ 100 (got ${JSON.stringify(env.FLEETWIRE_HEARTBEAT_MS)})` };
  const docker = env.FLEETWIRE_DOCKER ?? '0';
  if (docker !== '0' && docker !== '1') return { error: `FLEETWIRE_DOCKER must be 0 or 1 (got ${JSON.stringify(docker)})` };
  return {
    url,
    apiKey,
    nodeId,
    heartbeatIntervalMs: hb,
    docker: docker === '1',
    sshHost: env.FLEETWIRE_SSH_HOST || hostname(),
  };
}
