/** The SDK README stays in step with the code for the facts a user needs from it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTROL_PLANE_EVENTS } from '../src/protocols/control-plane/schema.js';
import { FleetMetrics } from '../src/protocols/fleet/schema.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('packages/sdk/README.md', () => {
  it('names every control-plane event', () => {
    for (const e of CONTROL_PLANE_EVENTS) expect(readme).toContain(`\`${e}\``);
  });
  it("spells out FleetAgent's metrics() shape, field by field", () => {
    for (const k of Object.keys(FleetMetrics.properties)) expect(readme).toMatch(new RegExp(`\\b${k}\\b`));
  });
  it('documents the error-vs-disconnected rule and the export scheme', () => {
    expect(readme).toContain('`error` vs `disconnected`');
    expect(readme).toContain('one namespace per dialect');
  });
});
