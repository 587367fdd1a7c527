/**
 * Builders validated against the SDK's schemas for the dialects beyond fleet
 * (fleet is in fleet.test.ts). The monitor, vstats and control-plane schemas
 * are not exported from @fleetwire/sdk's index yet, so they are imported from
 * their source files; switch to the package import once they are.
 */
import { describe, expect, it } from 'vitest';
import { monitorValidators } from '../../packages/sdk/src/protocols/monitor/schema.ts';
import { vstatsAgentValidators } from '../../packages/sdk/src/protocols/vstats/schema.ts';
import { CONTROL_PLANE_EVENTS, ControlPlanePayloads, controlPlaneValidators } from '../../packages/sdk/src/protocols/control-plane/schema.ts';
import { TIME_FIELDS, eventTimeMs, readControlPlaneEvent } from './control-plane.ts';
import { HostModel } from './host.ts';
import { monitorAuth, monitorCommandResponse, monitorDockerResponse, monitorMetrics, readMonitorMessage } from './monitor.ts';
import { vstatsHeartbeat, vstatsMetrics } from './vstats.ts';

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
  it('every event the SDK defines carries a time field the fan-out measurement knows', () => {
    for (const e of CONTROL_PLANE_EVENTS) {
      const props = Object.keys((ControlPlanePayloads[e] as { properties: Record<string, unknown> }).properties);
      expect(props.filter((p) => (TIME_FIELDS as readonly string[]).includes(p)), e).not.toEqual([]);
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
