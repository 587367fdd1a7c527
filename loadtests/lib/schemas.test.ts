/**
 * Builders validated against the SDK's schemas for the dialects beyond fleet
 * (fleet is in fleet.test.ts), through the SDK's public namespaces.
 */
import { controlPlane, lightd, monitor, vstats } from '@fleetwire/sdk';
import { describe, expect, it } from 'vitest';
import { TIME_FIELDS, eventTimeMs, readControlPlaneEvent } from './control-plane.ts';
import { HostModel } from './host.ts';
import { LIGHTD_SERVER_EVENTS, lightdEventOf, lightdPower, lightdProbe, lightdRequestLogs, lightdSendCommand } from './lightd.ts';
import { monitorAuth, monitorCommandResponse, monitorDockerResponse, monitorMetrics, readMonitorMessage } from './monitor.ts';
import { vstatsHeartbeat, vstatsMetrics } from './vstats.ts';

const { monitorValidators } = monitor;
const { vstatsAgentValidators } = vstats;
const { CONTROL_PLANE_EVENTS, ControlPlanePayloads, controlPlaneValidators } = controlPlane;
const { lightdValidators } = lightd;

const ok = (v: { explain(x: unknown): string[] }, x: unknown) => expect(v.explain(x)).toEqual([]);

describe('monitor builders validate against the SDK schema', () => {
  it('auth, metrics for many hosts, command and docker responses', () => {
    ok(monitorValidators.fromAgent.auth, monitorAuth('fw_key'));
    for (let seed = 0; seed < 30; seed++) {
      const h = new HostModel(seed);
      h.busy = seed % 3 === 0;
      h.step(5);
      ok(monitorValidators.fromAgent.metrics, monitorMetrics(`srv-${seed}`, h));
    }
    ok(monitorValidators.fromAgent.command_response, monitorCommandResponse('c', 'ls -la'));
    ok(monitorValidators.fromAgent.command_response, monitorCommandResponse('c', 'nope'));
    ok(monitorValidators.fromAgent.docker_response, monitorDockerResponse('c', 'restart', 'x'));
    ok(monitorValidators.fromAgent.docker_response, monitorDockerResponse('c', 'explode', 'x'));
  });
  it('the reader accepts what the schema accepts from the server', () => {
    const msgs = [
      { type: 'auth_success', server_id: 's', message: 'Connected successfully' },
      { type: 'command', command_id: 'c', command: 'ls -la' },
      { type: 'docker_command', command_id: 'c', action: 'start', container_id: 'x' },
      { type: 'error', message: 'Invalid or inactive API key' },
    ];
    for (const m of msgs) {
      const v = monitorValidators.toAgent[m.type as keyof typeof monitorValidators.toAgent];
      ok(v, m);
      expect(readMonitorMessage(JSON.stringify(m)).ok).toBe(true);
    }
  });
});

describe('vstats builders validate against the SDK schema', () => {
  it('metrics for many hosts, and the heartbeat', () => {
    for (let seed = 0; seed < 30; seed++) {
      const h = new HostModel(seed);
      h.step(5);
      ok(vstatsAgentValidators.metrics, vstatsMetrics(h));
    }
    ok(vstatsAgentValidators.heartbeat, vstatsHeartbeat());
  });
});

describe('control-plane reader agrees with the SDK schema', () => {
  it('every event the SDK defines but agent:offline carries a time field the fan-out measurement knows', () => {
    for (const e of CONTROL_PLANE_EVENTS) {
      const props = Object.keys((ControlPlanePayloads[e] as { properties: Record<string, unknown> }).properties);
      const timed = props.filter((p) => (TIME_FIELDS as readonly string[]).includes(p));
      // agent:offline has only lastSeenAt, the last heartbeat's time, not the event's: untimed on purpose.
      if (e === 'agent:offline') expect(timed, e).toEqual([]);
      else expect(timed, e).not.toEqual([]);
    }
  });
  it('reads the document’s example events, which the SDK validates', () => {
    const examples = [
      { event: 'job:progress', data: { jobId: 'j', jobRunId: 'r', status: 'RUNNING', percent: 45, message: 'Installing…', timestamp: '2024-01-15T10:30:00.000Z' } },
      { event: 'job:completed', data: { jobId: 'j', jobRunId: 'r', result: { buildId: '1' }, completedAt: '2024-01-15T10:35:00.000Z' } },
      { event: 'instance:status_changed', data: { instanceId: 'i', status: 'RUNNING', changedAt: '2024-01-15T10:40:00.000Z' } },
    ] as const;
    for (const ex of examples) {
      ok(controlPlaneValidators[ex.event], ex);
      const r = readControlPlaneEvent(JSON.stringify(ex));
      if (!r.ok) throw new Error(r.error);
      expect(eventTimeMs(r.value)).toBeGreaterThan(0);
    }
  });
});

describe('lightd builders validate against the SDK schema', () => {
  it('send_command, every power action, request_logs', () => {
    ok(lightdValidators.fromClient.send_command, lightdSendCommand(lightdProbe(3, 12).command));
    expect(lightdSendCommand('say hi').command).toBe('say hi\n'); // one line, as the console types it
    for (const a of lightd.PowerActions) ok(lightdValidators.fromClient.power, lightdPower(a));
    ok(lightdValidators.fromClient.request_logs, lightdRequestLogs());
  });
  it('the reader knows exactly the events the SDK defines for a console', () => {
    expect([...LIGHTD_SERVER_EVENTS].sort()).toEqual(Object.keys(lightdValidators.toClient).sort());
    const msgs = [
      { event: 'stats', cpu_usage: 1, memory_usage: 2, memory_limit: 3, network_rx: 0, network_tx: 0, block_read: 0, block_write: 0 },
      { event: 'console', data: 'k6-0-1.\n' },
      { event: 'console duplicate', data: 'x' },
      { event: 'event', data: 'running' },
      { event: 'daemon_message', data: 'Container started' },
      { event: 'logs', data: 'old\n' },
    ];
    for (const m of msgs) {
      ok(lightdValidators.toClient[m.event as keyof typeof lightdValidators.toClient], m);
      expect(lightdEventOf(JSON.stringify(m))).toMatchObject({ ok: true, event: m.event });
    }
    expect(lightdEventOf('{"event":"nope"}')).toEqual({ ok: false, error: 'unknown event nope' });
  });
});
