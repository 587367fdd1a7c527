/**
 * Which message of each dialect flows where: the one hand-kept map from the
 * SDK's TypeBox schemas (the single source of every message's shape) to
 * channels and directions. generate.ts turns it into the AsyncAPI 3.0
 * documents under docs/asyncapi/ and the field tables of docs/protocols/.
 *
 * Directions are from the client's side (the agent or dashboard the SDK
 * implements): `send` = client → control plane, `receive` = control plane → client.
 */
import type { TSchema } from '@sinclair/typebox';
import * as fleet from '../../packages/sdk/src/protocols/fleet/schema.js';
import * as monitor from '../../packages/sdk/src/protocols/monitor/schema.js';
import * as lightd from '../../packages/sdk/src/protocols/lightd/schema.js';
import * as vstats from '../../packages/sdk/src/protocols/vstats/schema.js';
import * as cp from '../../packages/sdk/src/protocols/control-plane/schema.js';

export interface CatalogMessage {
  /** The name on the wire: the Socket.IO event, `type`, `event` or `event` name. */
  wire: string;
  direction: 'send' | 'receive';
  summary: string;
  /** The whole frame (plain-WebSocket dialects) or the event's payload (Socket.IO). */
  schema: TSchema;
  /** A Socket.IO acknowledgement the receiver returns. */
  ack?: TSchema;
}

export interface CatalogChannel {
  /** Key in the AsyncAPI document. */
  id: string;
  address: string;
  /** `{name}` placeholders of the address. */
  parameters?: Record<string, string>;
  description: string;
  messages: CatalogMessage[];
}

export interface CatalogDialect {
  name: 'fleet' | 'monitor' | 'lightd' | 'vstats' | 'control-plane';
  title: string;
  description: string;
  /** The mock backend's default port (docs/protocols/README.md). */
  port: number;
  channels: CatalogChannel[];
}

const CONTROL_PLANE_SUMMARIES: Record<cp.ControlPlaneEventName, string> = {
  'job:created': 'A job was created.',
  'job:progress': 'A job moved forward (percent, message).',
  'job:completed': 'A job finished with a result.',
  'job:failed': 'A job failed.',
  'job:cancelled': 'A job was cancelled.',
  'instance:created': 'An instance was created.',
  'instance:updated': 'Fields of an instance changed.',
  'instance:status_changed': 'An instance changed status.',
  'instance:deleted': 'An instance was deleted.',
  'instance:log': 'A log line of an instance.',
  'agent:registered': 'An agent connected for the first time.',
  'agent:heartbeat': 'An agent is alive (at most one per node per 30 s by default).',
  'agent:offline': 'An agent went away.',
  'system:error': 'The control plane reports an error.',
};

export const CATALOG: CatalogDialect[] = [
  {
    name: 'fleet',
    title: 'fleetwire fleet dialect',
    description:
      'GPU host agents over Socket.IO v4 (namespace /fleet, websocket transport). Auth: `Authorization: Bearer <key>` where the platform allows headers, and the handshake `auth: { token }`. Every agent event is acknowledged with `{ success: true }` (a Socket.IO ack).',
    port: 3000,
    channels: [
      {
        id: 'fleet',
        address: '/fleet',
        description: 'The Socket.IO namespace; one connection per host agent.',
        messages: [
          { wire: 'heartbeat', direction: 'send', summary: 'Health and metrics, at connect and every 5 s.', schema: fleet.Heartbeat, ack: fleet.Ack },
          { wire: 'instance_started', direction: 'send', summary: 'A container started for a rental (answer to start_instance; re-sent for every running rental after a reconnect).', schema: fleet.InstanceStarted, ack: fleet.Ack },
          { wire: 'instance_stopped', direction: 'send', summary: 'A container stopped, or a start failed or was refused.', schema: fleet.InstanceStopped, ack: fleet.Ack },
          { wire: 'start_instance', direction: 'receive', summary: 'Start a container for a rental.', schema: fleet.StartInstance },
          { wire: 'stop_instance', direction: 'receive', summary: "Stop a rental's container.", schema: fleet.StopInstance },
          { wire: 'drain_node', direction: 'receive', summary: 'Refuse new rentals, let running ones finish, then report maintenance.', schema: fleet.DrainNode },
        ],
      },
    ],
  },
  {
    name: 'monitor',
    title: 'fleetwire monitor dialect',
    description: 'Server agents and dashboards over plain WebSocket, JSON frames tagged by `type`. Agents authenticate with an API key in their first message; dashboards with an HS256 JWT.',
    port: 8000,
    channels: [
      {
        id: 'agent',
        address: '/api/v1/agents/ws',
        description: 'One server agent: auth, then metrics every 5 s; it answers commands.',
        messages: [
          { wire: 'auth', direction: 'send', summary: 'First message: the API key.', schema: monitor.AgentAuth },
          { wire: 'metrics', direction: 'send', summary: 'CPU, memory, disks and network, every 5 s.', schema: monitor.AgentMetrics },
          { wire: 'command_response', direction: 'send', summary: 'Output of a shell command.', schema: monitor.CommandResponse },
          { wire: 'docker_response', direction: 'send', summary: 'Outcome of a docker action.', schema: monitor.DockerResponse },
          { wire: 'auth_success', direction: 'receive', summary: 'The key was accepted; carries the server id.', schema: monitor.AuthSuccess },
          { wire: 'command', direction: 'receive', summary: 'Run a shell command.', schema: monitor.Command },
          { wire: 'docker_command', direction: 'receive', summary: 'Act on a container.', schema: monitor.DockerCommand },
          { wire: 'error', direction: 'receive', summary: 'Bad key, bad message or auth timeout; the socket closes after it.', schema: monitor.ErrorMessage },
        ],
      },
      ...(['metrics', 'logs'] as const).map((kind) => ({
        id: `${kind}Stream`,
        address: `/api/v1/ws/${kind}/{serverId}`,
        parameters: { serverId: 'The server whose ' + kind + ' the dashboard watches.' },
        description: `A dashboard watching one server's ${kind === 'metrics' ? 'metrics and alerts' : 'log lines and alerts'}.`,
        messages: [
          { wire: 'auth', direction: 'send' as const, summary: 'First message: the dashboard JWT.', schema: monitor.FrontendAuth },
          ...(kind === 'metrics'
            ? [{ wire: 'metrics', direction: 'receive' as const, summary: "The server's latest metrics.", schema: monitor.FrontendMetrics }]
            : [{ wire: 'log', direction: 'receive' as const, summary: 'One log line of the server.', schema: monitor.FrontendLog }]),
          { wire: 'alert', direction: 'receive' as const, summary: 'A threshold was crossed (e.g. CPU ≥ 90 %).', schema: monitor.FrontendAlert },
          { wire: 'error', direction: 'receive' as const, summary: 'Bad or expired token, bad message; the socket closes after it.', schema: monitor.ErrorMessage },
        ],
      })),
    ],
  },
  {
    name: 'lightd',
    title: 'fleetwire lightd dialect',
    description: 'A console client of one container over plain WebSocket, JSON frames tagged by `event`. The token goes in `?token=`; a bad token is refused with HTTP 401 at the upgrade, an expired one closes the socket with 4001.',
    port: 8070,
    channels: [
      {
        id: 'console',
        address: '/ws/{internalId}',
        parameters: { internalId: 'The container (server) id.' },
        description: "One container's console, stats and power controls.",
        messages: [
          { wire: 'stats', direction: 'receive', summary: 'Resource usage; sent only when a value changed.', schema: lightd.Stats },
          { wire: 'console', direction: 'receive', summary: 'A console output line.', schema: lightd.Console },
          { wire: 'console duplicate', direction: 'receive', summary: 'The same line again (the source sends both; clients may ignore one).', schema: lightd.ConsoleDuplicate },
          { wire: 'event', direction: 'receive', summary: 'The container changed state.', schema: lightd.StateEvent },
          { wire: 'daemon_message', direction: 'receive', summary: 'A message from the daemon itself.', schema: lightd.DaemonMessage },
          { wire: 'logs', direction: 'receive', summary: 'The recent console lines, answering request_logs.', schema: lightd.Logs },
          { wire: 'send_command', direction: 'send', summary: 'Type a line into the console.', schema: lightd.SendCommand },
          { wire: 'power', direction: 'send', summary: 'start, stop, kill or restart the container.', schema: lightd.Power },
          { wire: 'request_logs', direction: 'send', summary: 'Ask for the recent console lines.', schema: lightd.RequestLogs },
        ],
      },
    ],
  },
  {
    name: 'vstats',
    title: 'fleetwire vstats dialect',
    description: 'Metrics agents and dashboards over plain WebSocket, JSON frames `{type, data, timestamp}`. Agents authenticate with `?token=` (401 at the upgrade when bad); the server pings every 30 s and drops a peer that misses a pong.',
    port: 3001,
    channels: [
      {
        id: 'agent',
        address: '/ws/agent',
        description: 'One metrics agent (token in `?token=`).',
        messages: [
          { wire: 'metrics', direction: 'send', summary: 'The full system report, every 5 s.', schema: vstats.AgentMetrics },
          { wire: 'heartbeat', direction: 'send', summary: 'Keep-alive between reports, every 30 s.', schema: vstats.AgentHeartbeat },
        ],
      },
      {
        id: 'dashboard',
        address: '/ws',
        description: 'A dashboard watching every server (origins may be restricted).',
        messages: [
          { wire: 'metrics', direction: 'receive', summary: "One server's latest metrics.", schema: vstats.MetricsUpdate },
          { wire: 'status', direction: 'receive', summary: 'A server went online or offline.', schema: vstats.StatusChange },
          { wire: 'server_added', direction: 'receive', summary: 'A server joined.', schema: vstats.ServerAdded },
          { wire: 'server_removed', direction: 'receive', summary: 'A server was removed.', schema: vstats.ServerRemoved },
        ],
      },
    ],
  },
  {
    name: 'control-plane',
    title: 'fleetwire control-plane dialect',
    description: 'A push-only event stream over plain WebSocket, JSON frames `{event: "category:action", data}`. Clients send nothing; anything sent is ignored. An optional `?token=` can be required by configuration.',
    port: 3000,
    channels: [
      {
        id: 'events',
        address: '/ws',
        description: 'Every job, instance, agent and system event, to every client.',
        messages: cp.CONTROL_PLANE_EVENTS.map((e) => ({
          wire: e,
          direction: 'receive' as const,
          summary: CONTROL_PLANE_SUMMARIES[e],
          schema: envelope(e, cp.ControlPlanePayloads[e]),
        })),
      },
    ],
  },
];

/** `{event, data}` as plain JSON Schema (the frame of the control-plane dialect). */
function envelope(event: string, data: TSchema): TSchema {
  return { type: 'object', required: ['event', 'data'], properties: { event: { const: event, type: 'string' }, data } } as unknown as TSchema;
}
