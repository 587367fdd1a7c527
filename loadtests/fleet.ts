/**
 * k6 load test: `fleet` GPU host agents over Socket.IO (docs/protocols/fleet.md).
 *
 * Each VU is one agent: it opens the websocket-only Engine.IO endpoint, joins
 * `/fleet` with its key (handshake `auth` and `Authorization: Bearer`),
 * heartbeats every HEARTBEAT_INTERVAL with realistic metrics and measures each
 * ack, answers pings, and obeys start_instance / stop_instance / drain_node
 * like a real agent (acked instance_started / instance_stopped, maintenance
 * after a drain). On reconnect it re-reports its running containers.
 *
 *   k6 run loadtests/fleet.ts                                   # mock backend, 10 agents
 *   k6 run -e BASE_URL=https://cp.example.com -e AGENTS=2000 -e KEYS_FILE=keys.txt loadtests/fleet.ts
 *
 * Env: BASE_URL (http://127.0.0.1:3000), AGENTS (10), DURATION (1m), RAMP (10s),
 * HEARTBEAT_INTERVAL (5s), ACK_TIMEOUT (10s), KEYS_FILE, DEV_KEY (fleetwire-dev-key),
 * SOCKETIO_PATH (/socket.io/), START_DELAY (2s: simulated container start),
 * SHARD_INDEX/SHARD_COUNT, THRESHOLDS (JSON), SUMMARY_JSON (summary-fleet.json).
 */
import { WebSocket } from 'k6/websockets';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'k6/timers';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { idle, identity, openKeys, runOptions, summarize, vuRuntime } from './common.ts';
import type { AckResult } from './lib/acks.ts';
import { SocketIoClient } from './lib/client.ts';
import { parseDurationMs, readConfig } from './lib/config.ts';
import { fleetCommandProblems, fleetHeartbeat, fleetInstanceStarted, fleetInstanceStopped, type NodeStatus, type StartInstanceLike } from './lib/fleet.ts';
import { HostModel } from './lib/host.ts';
import { engineUrl } from './lib/socketio.ts';

const DIALECT = 'fleet';
const cfg = readConfig(__ENV, DIALECT, 'http://127.0.0.1:3000');
const keys = openKeys(cfg);
const devKey = __ENV.DEV_KEY || 'fleetwire-dev-key';
const startDelayMs = parseDurationMs(__ENV.START_DELAY || '2s', 'START_DELAY');
const url = engineUrl(cfg.baseUrl, __ENV.SOCKETIO_PATH || '/socket.io/');

/** Defaults a team overrides with THRESHOLDS='{"fleet_heartbeat_ack_ms":["p(95)<500"]}'. */
export const options: Options = runOptions(cfg, DIALECT, {
  fleet_heartbeat_ack_ms: ['p(95)<250', 'p(99)<1000'],
  fleet_connect_ms: ['p(95)<1000'],
  fleet_lifecycle_success: ['rate>0.99'],
  fleet_protocol_errors: ['count<1'],
  fleet_acks_lost: ['count<1'],
});

/** Heartbeat ack round trip, by ack id. */
const heartbeatAck = new Trend('fleet_heartbeat_ack_ms', true);
/** Engine.IO open → namespace joined. */
const connectMs = new Trend('fleet_connect_ms', true);
/** Every lifecycle step that can succeed or fail: connect, heartbeat ack, instance_* ack, session end. */
const lifecycle = new Rate('fleet_lifecycle_success');
const protocolErrors = new Counter('fleet_protocol_errors');
const acksLost = new Counter('fleet_acks_lost');
/** Acks that arrived after ACK_TIMEOUT: already counted in fleet_acks_lost, not protocol errors. */
const acksLate = new Counter('fleet_acks_late');
const commands = new Counter('fleet_commands');

// Per-VU state that survives reconnects, as a real agent's would.
const rt = vuRuntime(cfg, DIALECT);
const pace = rt.pace;
let host: HostModel | undefined;
let status: NodeStatus = 'online';
let draining = false;
const running = new Map<string, ReturnType<typeof fleetInstanceStarted>>();

export default rt.iteration(function (): void {
  const me = identity(cfg, keys, devKey);
  if ('error' in me) return idle(cfg, me.error);
  const sessionMs = pace.before();
  if (!sessionMs) return;
  if (!host) host = new HostModel(me.index, `k6-${me.nodeId.slice(-8)}`);
  const h = host;

  const timers: ReturnType<typeof setTimeout>[] = [];
  const intervals: ReturnType<typeof setInterval>[] = [];
  let joined = false;
  let finished = false;

  const ws = new WebSocket(url, null, { headers: { Authorization: `Bearer ${me.key}` } });

  const acked = (step: string) => (r: AckResult) => {
    if (r.timedOut) {
      acksLost.add(1, { event: r.event });
      lifecycle.add(false, { step });
      return;
    }
    const ack = r.args?.[0] as { success?: unknown } | undefined;
    const ok = ack?.success === true;
    if (!ok) console.warn(`${me.nodeId}: ${r.event} ack ${JSON.stringify(ack)}`);
    lifecycle.add(ok, { step });
    if (step === 'heartbeat') heartbeatAck.add(r.rttMs);
  };

  const heartbeat = () => {
    if (client.state !== 'connected') return;
    h.busy = running.size > 0;
    h.step(cfg.heartbeatMs / 1000);
    status = draining ? 'maintenance' : running.size > 0 ? 'busy' : 'online';
    client.emit('heartbeat', fleetHeartbeat(me.nodeId, status, h), acked('heartbeat'));
  };

  /** Answers a command like the SDK's FleetAgent: an ack first ({success:false} for an invalid one), then the work. */
  const onCommand = (name: string, payload: unknown, reply: ((...args: unknown[]) => void) | undefined) => {
    const problems = fleetCommandProblems(name, payload);
    if (problems === null) {
      // fleet.md defines no other server event; the SDK reports it and does not ack.
      protocolErrors.add(1, { code: 'FW_PROTOCOL_UNKNOWN' });
      console.warn(`${me.nodeId}: unknown event from the control plane: ${name}`);
      return;
    }
    if (problems.length > 0) {
      protocolErrors.add(1, { code: 'FW_PROTOCOL_INVALID' });
      console.warn(`${me.nodeId}: invalid ${name}: ${problems.join('; ')}`);
      reply?.({ success: false, error: `invalid ${name}: ${problems.join('; ')}` });
      return;
    }
    reply?.({ success: true });
    commands.add(1, { command: name });
    const p = payload as Record<string, unknown>;
    if (name === 'start_instance') {
      const cmd = p as unknown as StartInstanceLike;
      if (draining) {
        client.emit('instance_stopped', fleetInstanceStopped(cmd.rentalId, '', 'error', `node ${me.nodeId} is draining`), acked('instance_stopped'));
        return;
      }
      // A container takes a moment to start; report it when it "runs".
      timers.push(
        setTimeout(
          guard('start_instance', () => {
            if (client.state !== 'connected') return;
            const started = fleetInstanceStarted(cmd, me.nodeId);
            running.set(cmd.rentalId, started);
            client.emit('instance_started', started, acked('instance_started'));
          }),
          startDelayMs,
        ),
      );
    } else if (name === 'stop_instance') {
      const rentalId = p.rentalId as string;
      const started = running.get(rentalId);
      running.delete(rentalId);
      const containerId = (p.containerId as string) || (started?.containerId ?? '');
      client.emit('instance_stopped', fleetInstanceStopped(rentalId, containerId), acked('instance_stopped'));
    } else {
      draining = true;
      heartbeat();
    }
  };

  const client = new SocketIoClient(
    { namespace: '/fleet', auth: { token: me.key, nodeId: me.nodeId }, send: (f) => ws.send(f), ackTimeoutMs: cfg.ackTimeoutMs },
    {
      onConnect: (_sid, ms) => {
        joined = true;
        pace.ok();
        rt.sessions.add(1);
        connectMs.add(ms);
        lifecycle.add(true, { step: 'connect' });
        heartbeat(); // at once on every (re)connect, then on the interval
        for (const started of running.values()) client.emit('instance_started', started, acked('instance_started'));
        intervals.push(setInterval(guard('heartbeat', heartbeat), cfg.heartbeatMs));
        intervals.push(setInterval(() => client.sweep(), 1000));
      },
      onConnectError: (message) => {
        lifecycle.add(false, { step: 'connect' });
        console.error(`${me.nodeId}: connection refused: ${message}; this agent stops (a refused key is final)`);
        pace.stop();
        finish();
      },
      onEvent: (name, args, reply) => onCommand(name, args[0], reply),
      onLateAck: (late) => {
        acksLate.add(1, { event: late.event });
        console.warn(`${me.nodeId}: ${late.event} ack ${late.id} arrived ${late.rttMs} ms after sending, past ACK_TIMEOUT (counted lost)`);
      },
      onProtocolError: (code, message) => {
        protocolErrors.add(1, { code });
        console.warn(`${me.nodeId}: ${code}: ${message}`);
      },
      onDisconnect: (reason) => {
        if (!finished) {
          lifecycle.add(false, { step: 'session' });
          console.warn(`${me.nodeId}: ${reason}`);
          pace.failed();
          finish();
        }
      },
    },
  );

  function finish(): void {
    if (finished) return;
    finished = true;
    for (const t of timers) clearTimeout(t);
    for (const i of intervals) clearInterval(i);
    ws.close();
  }

  /** An exception in our handlers is counted (fleet_iteration_errors) and ends the session. */
  function guard<A extends unknown[]>(where: string, fn: (...a: A) => void): (...a: A) => void {
    return rt.guard(where, fn, () => {
      if (!finished) lifecycle.add(false, { step: joined ? 'session' : 'connect' });
      finish();
    });
  }

  ws.onmessage = guard('onmessage', (e?: { data?: unknown }) => client.handleFrame(e?.data));
  ws.onerror = (e) => {
    if (finished) return;
    lifecycle.add(false, { step: joined ? 'session' : 'connect' });
    console.warn(`${me.nodeId}: websocket error: ${e?.error ?? 'unknown'}`);
    pace.failed();
    finish();
  };
  ws.onclose = () => {
    if (!finished) {
      lifecycle.add(false, { step: joined ? 'session' : 'connect' });
      pace.failed();
      finished = true;
      for (const t of timers) clearTimeout(t);
      for (const i of intervals) clearInterval(i);
    }
  };

  // End the session cleanly just before the scenario ends.
  timers.push(
    setTimeout(() => {
      if (finished) return;
      lifecycle.add(joined, { step: 'session' });
      finished = true;
      client.disconnect();
      for (const t of timers) clearTimeout(t);
      for (const i of intervals) clearInterval(i);
      ws.close(1000, 'test over');
    }, sessionMs),
  );
});

export function handleSummary(data: unknown): Record<string, string> {
  return summarize(data, DIALECT, cfg);
}
