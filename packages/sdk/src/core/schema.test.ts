import { describe, expect, it } from 'vitest';
import { fleetValidators as V } from '../protocols/fleet/messages.js';

const hb = {
  nodeId: 'n1',
  status: 'online',
  metrics: {
    cpuTemp: 45.5, cpuUsagePercent: 35, gpuTemp: [60], gpuUtilization: [80], gpuMemoryUsedMb: [12000],
    ramUsageMb: 32000, ramTotalMb: 65536, diskUsageGb: 500, diskTotalGb: 2000, networkRxMbps: 1, networkTxMbps: 2,
  },
};

describe('schema validators (fleet)', () => {
  it('accept the document example and unknown extra fields', () => {
    expect(V.heartbeat.check(hb)).toBe(true);
    expect(V.heartbeat.check({ ...hb, agentVersion: '1.2.3', metrics: { ...hb.metrics, fanRpm: [1200] } })).toBe(true);
  });

  it('reject missing and mistyped required fields, saying where', () => {
    const { nodeId: _drop, ...noNode } = hb;
    expect(V.heartbeat.check(noNode)).toBe(false);
    expect(V.heartbeat.explain(noNode).join()).toMatch(/nodeId/);
    const badStatus = { ...hb, status: 'sleeping' };
    expect(V.heartbeat.check(badStatus)).toBe(false);
    const badType = { ...hb, metrics: { ...hb.metrics, gpuTemp: 'hot' } };
    expect(V.heartbeat.explain(badType).join()).toMatch(/\/metrics\/gpuTemp/);
    expect(V.start_instance.check({ rentalId: 'r', image: 'i' })).toBe(false);
    expect(V.instance_stopped.check({ rentalId: 'r', containerId: 'c', reason: 'requested', errorMessage: null })).toBe(true);
    expect(V.instance_stopped.check({ rentalId: 'r', containerId: 'c', reason: 'crashed', errorMessage: null })).toBe(false);
  });

  it('cpuTemp is optional (not every host can read it), everything else in metrics is required', () => {
    const { cpuTemp: _t, ...noTemp } = hb.metrics;
    expect(V.heartbeat.check({ ...hb, metrics: noTemp })).toBe(true);
    const { ramTotalMb: _r, ...noRam } = hb.metrics;
    expect(V.heartbeat.check({ ...hb, metrics: noRam })).toBe(false);
  });
});
