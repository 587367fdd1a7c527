/**
 * deploy/mock-backend's manifests stay runnable: the Deployment's command line
 * (`$(VAR)` expanded as the kubelet does) is accepted by fleetwire-mock's own
 * flag parser and asks for cluster mode and Redis; the Redis URL names
 * redis.yaml's Service and port; the control-plane Service is what the
 * simulator Job's CONTROL_PLANE_URL points at. A renamed flag or Service fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseArgs } from '../packages/mock-backend/src/cli/args.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const docs = (file: string): any[] => parseAllDocuments(readFileSync(join(here, file), 'utf8')).map((d) => d.toJS());
const expand = (s: string, env: Record<string, string>) => s.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (m, k: string) => env[k] ?? m);

describe('deploy/mock-backend manifests', () => {
  const mock = docs('mock-backend/mock.yaml');
  const redis = docs('mock-backend/redis.yaml');
  const deployment = mock.find((d) => d.kind === 'Deployment');
  const container = deployment.spec.template.spec.containers[0];
  const env: Record<string, string> = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? 'secret-from-k8s-0123']));

  it('the Deployment\'s command line is one fleetwire-mock accepts, in cluster mode with Redis', async () => {
    expect(container.command).toEqual(['fleetwire-mock']);
    const cmd = await parseArgs(container.args.map((a: string) => expand(a, env)));
    expect(cmd).toMatchObject({ kind: 'serve', workers: Number(env.WORKERS), redisUrl: env.REDIS_URL, exitWithParent: false, options: { host: '0.0.0.0' } });
    // Pods listen where the Services and the probe send traffic: the mock's default ports.
    const ports = Object.fromEntries(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
    expect(ports).toEqual({ fleet: 3000, admin: 3100 });
    expect(container.readinessProbe.httpGet.path).toBe('/healthz');
  });

  it('REDIS_URL names redis.yaml\'s Service, and the control-plane Service is the simulator Job\'s CONTROL_PLANE_URL', () => {
    const svc = redis.find((d) => d.kind === 'Service');
    const u = new URL(env.REDIS_URL!);
    expect(u.hostname).toBe(`${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`);
    expect(Number(u.port)).toBe(svc.spec.ports[0].port);
    const job = docs('simulator/job.yaml').find((d) => d.kind === 'Job');
    const simEnv = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const cp = mock.find((d) => d.kind === 'Service' && d.metadata.name === 'control-plane');
    const target = new URL(simEnv.CONTROL_PLANE_URL);
    expect(target.hostname).toBe(`${cp.metadata.name}.${cp.metadata.namespace}.svc.cluster.local`);
    expect(cp.spec.ports.map((p: { port: number }) => p.port)).toContain(Number(target.port));
  });
});
