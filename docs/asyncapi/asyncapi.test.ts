/**
 * The generated protocol documents stay in step with the SDK's schemas: every
 * AsyncAPI document and every "Messages" section of docs/protocols/ equals what
 * generate.ts makes now (run `npm run docs:generate` after changing a schema),
 * and every AsyncAPI document is valid AsyncAPI 3.0 for @asyncapi/parser.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import * as fleet from '../../packages/sdk/src/protocols/fleet/schema.js';
import * as monitor from '../../packages/sdk/src/protocols/monitor/schema.js';
import * as lightd from '../../packages/sdk/src/protocols/lightd/schema.js';
import * as vstats from '../../packages/sdk/src/protocols/vstats/schema.js';
import * as cp from '../../packages/sdk/src/protocols/control-plane/schema.js';
import { CATALOG } from './catalog.js';
import { generated } from './generate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const files = generated();
/** Distinct, sorted (monitor's `auth`, `metrics` and `error` travel on several sockets). */
const sorted = (xs: string[]) => [...new Set(xs)].sort();

describe('generated protocol documents', () => {
  for (const [path, expected] of files) {
    it(`${path} is up to date (npm run docs:generate)`, () => {
      expect(readFileSync(ROOT + path, 'utf8') === expected, `${path} is stale: run npm run docs:generate`).toBe(true);
    });
  }

  it('cover every message of every dialect: the catalog and the SDK validator schemas agree', () => {
    const wire = (name: string) => sorted(CATALOG.find((d) => d.name === name)!.channels.flatMap((c) => c.messages.map((m) => `${m.direction}:${m.wire}`)));
    const dir = (d: 'send' | 'receive', ...maps: object[]) => maps.flatMap((o) => Object.keys(o).map((k) => `${d}:${k}`));
    const { ack: _ack, heartbeat, instance_started, instance_stopped, ...commands } = fleet.fleetValidatorSchemas;
    expect(wire('fleet')).toEqual(sorted([...dir('send', { heartbeat, instance_started, instance_stopped }), ...dir('receive', commands)]));
    const m = monitor.monitorValidatorSchemas;
    expect(wire('monitor')).toEqual(sorted([...dir('send', m.fromAgent, m.fromFrontend), ...dir('receive', m.toAgent, m.toFrontend)]));
    expect(wire('lightd')).toEqual(sorted([...dir('send', lightd.lightdValidatorSchemas.fromClient), ...dir('receive', lightd.lightdValidatorSchemas.toClient)]));
    expect(wire('vstats')).toEqual(sorted([...dir('send', vstats.vstatsAgentValidatorSchemas), ...dir('receive', vstats.vstatsDashboardValidatorSchemas)]));
    expect(wire('control-plane')).toEqual(sorted(cp.CONTROL_PLANE_EVENTS.map((e) => `receive:${e}`)));
  });

  for (const d of CATALOG) {
    it(`docs/asyncapi/${d.name}.json is valid AsyncAPI 3.0 (@asyncapi/parser)`, { timeout: 60_000 }, async () => {
      const { document, diagnostics } = await new Parser().parse(readFileSync(`${ROOT}docs/asyncapi/${d.name}.json`, 'utf8'));
      // severity 0 = error, 1 = warning; hints and information are fine.
      const problems = diagnostics.filter((x) => x.severity <= 1).map((x) => `${x.severity === 0 ? 'error' : 'warning'} ${x.code} at ${x.path.join('.')}: ${x.message}`);
      expect(problems).toEqual([]);
      expect(document?.version()).toBe('3.0.0');
      expect(document?.allMessages().length).toBeGreaterThan(0);
    });
  }
});
