/**
 * The admin API described as OpenAPI 3.1, served at GET /openapi.json. A test
 * (test/openapi.test.ts) checks that it lists exactly the registered routes,
 * method by method, so the document cannot drift from the code.
 */

type Schema = Record<string, unknown>;
const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, ...(required.length ? { required } : {}) });
const anyObj: Schema = { type: 'object', additionalProperties: true };

interface Op {
  summary: string;
  body?: Schema;
  tag: string;
}

/** `METHOD /path/{param}` → what it does. Paths use OpenAPI `{param}` templates. */
const OPS: Record<string, Op> = {
  'GET /api/nodes': { tag: 'fleet', summary: 'Fleet nodes with a summary (online, offline, busy, maintenance, running rentals)' },
  'GET /api/nodes/{id}': { tag: 'fleet', summary: 'One fleet node with its rentals' },
  'GET /api/rentals': { tag: 'fleet', summary: 'Every rental of every node' },
  'GET /api/facts': { tag: 'fleet', summary: 'Lifecycle facts (instance_started / instance_stopped) as recorded, with receipts' },
  'POST /api/nodes/{id}/start_instance': { tag: 'fleet', summary: 'Send start_instance (validated against fleet.md; a rentalId already used is 409 FW_CONFLICT)', body: obj({ rentalId: str, image: str, resourceLimits: anyObj, envVars: anyObj, proxyPortMapping: anyObj }, ['rentalId', 'image', 'resourceLimits']) },
  'POST /api/nodes/{id}/stop_instance': { tag: 'fleet', summary: 'Send stop_instance', body: obj({ rentalId: str, containerId: str }, ['rentalId', 'containerId']) },
  'POST /api/nodes/{id}/drain_node': { tag: 'fleet', summary: 'Send drain_node', body: obj({ reason: str }) },
  'POST /api/nodes/{id}/send': { tag: 'fleet', summary: 'Send any event with any payload, unvalidated (to test how an agent takes bad input)', body: obj({ event: str, payload: {} }, ['event']) },
  'GET /api/servers': { tag: 'monitor', summary: 'monitor and vstats servers' },
  'GET /api/containers': { tag: 'monitor', summary: 'Containers of every dialect (fleet rentals, lightd, monitor)' },
  'POST /api/monitor/servers/{id}/command': { tag: 'monitor', summary: 'Send a command to the agent; answers its command_response', body: obj({ command: str, timeoutMs: num }, ['command']) },
  'POST /api/monitor/servers/{id}/docker': { tag: 'monitor', summary: 'Send a docker_command; answers its docker_response', body: obj({ action: str, containerId: str, timeoutMs: num }, ['action', 'containerId']) },
  'POST /api/monitor/servers/{id}/log': { tag: 'monitor', summary: 'A log message to the server\'s log-stream dashboards', body: obj({ message: str, level: str }, ['message']) },
  'POST /api/monitor/servers/{id}/alert': { tag: 'monitor', summary: 'An alert to the server\'s metrics and log dashboards', body: obj({ message: str, level: str }, ['message']) },
  'POST /api/monitor/servers/{id}/metrics': { tag: 'monitor', summary: 'A metrics message (the body is its data) to the server\'s metrics dashboards', body: anyObj },
  'POST /api/monitor/servers/{id}/raw': { tag: 'monitor', summary: 'A raw frame to the server\'s agent (e.g. {"type":"error",…} or bad JSON)', body: obj({ data: str }, ['data']) },
  'POST /api/monitor/tokens': { tag: 'monitor', summary: 'Mint an HS256 dashboard JWT', body: obj({ sub: str, expiresInSeconds: num, serverIds: { type: 'array', items: str } }, ['sub']) },
  'POST /api/vstats/servers': { tag: 'vstats', summary: 'Add a server: dashboards get server_added', body: obj({ id: str, name: str, location: str }, ['id']) },
  'DELETE /api/vstats/servers/{id}': { tag: 'vstats', summary: 'Remove a server: dashboards get server_removed, its agents a 1008 close' },
  'POST /api/vstats/servers/{id}/status': { tag: 'vstats', summary: 'Mark a server online/offline: dashboards get status', body: obj({ online: { type: 'boolean' } }, ['online']) },
  'POST /api/vstats/servers/{id}/metrics': { tag: 'vstats', summary: 'A system metrics report (validated) as if from its agent: dashboards get metrics', body: anyObj },
  'GET /api/lightd/containers': { tag: 'lightd', summary: 'lightd containers and their console clients' },
  'POST /api/lightd/containers': { tag: 'lightd', summary: 'Create a simulated container', body: obj({ internalId: str }, ['internalId']) },
  'POST /api/lightd/tokens': { tag: 'lightd', summary: 'Mint a console token (single-use, 300 s by default)', body: obj({ internalId: str, ttlSeconds: num, singleUse: { type: 'boolean' } }) },
  'POST /api/lightd/containers/{id}/console': { tag: 'lightd', summary: 'Console output: clients get console (and console duplicate)', body: obj({ data: str }, ['data']) },
  'POST /api/lightd/containers/{id}/daemon': { tag: 'lightd', summary: 'A daemon_message to the container\'s clients', body: obj({ message: str }, ['message']) },
  'POST /api/lightd/containers/{id}/stats': { tag: 'lightd', summary: 'New stats values: clients get stats when a value changed', body: { type: 'object', additionalProperties: num } },
  'POST /api/lightd/containers/{id}/state': { tag: 'lightd', summary: 'Set the state: clients get event (status)', body: obj({ state: str }, ['state']) },
  'POST /api/lightd/containers/{id}/power': { tag: 'lightd', summary: 'Run a power action\'s state sequence (start, stop, kill, restart)', body: obj({ action: str }, ['action']) },
  'GET /api/jobs': { tag: 'control-plane', summary: 'Jobs' },
  'POST /api/jobs': { tag: 'control-plane', summary: 'Create a job: job:created, job:progress ×steps, job:completed (or job:failed)', body: obj({ type: str, steps: num, stepMs: num, failAtStep: num, failMessage: str, result: anyObj }) },
  'POST /api/jobs/{id}/cancel': { tag: 'control-plane', summary: 'Cancel a job: job:cancelled', body: obj({ reason: str }) },
  'POST /api/control-plane/events': { tag: 'control-plane', summary: 'Publish any documented event (instance:updated, instance:deleted, system:error, …), validated against its schema', body: obj({ event: str, data: anyObj }, ['event', 'data']) },
  'GET /api/faults': { tag: 'faults', summary: 'Active faults' },
  'DELETE /api/faults': { tag: 'faults', summary: 'End every fault' },
  'POST /api/faults/drop': { tag: 'faults', summary: 'TCP-reset a share of the sockets', body: obj({ fraction: num, dialect: str }) },
  'POST /api/faults/ack-delay': { tag: 'faults', summary: 'Delay every fleet ack', body: obj({ ms: num }, ['ms']) },
  'POST /api/faults/refuse-auth': { tag: 'faults', summary: 'Refuse auth for a while', body: obj({ ms: num }, ['ms']) },
  'POST /api/faults/malformed': { tag: 'faults', summary: 'One bad frame on each open socket', body: obj({ kind: str, dialect: str }, ['kind']) },
  'POST /api/faults/silence': { tag: 'faults', summary: 'Open sockets go silent (a hung server)', body: obj({ dialect: str }) },
  'GET /api/connections': { tag: 'faults', summary: 'Every open socket' },
  'GET /api/cluster': { tag: 'faults', summary: 'The processes of this mock (cluster workers, Redis peers): pid, home, the fleet nodes each holds' },
  'GET /api/status': { tag: 'faults', summary: 'Endpoints, fleet summary, active faults' },
};

const errorResponse = { description: 'An error: {"error":{"code":"FW_…","message":"…"}}', content: { 'application/json': { schema: obj({ error: obj({ code: str, message: str }, ['code', 'message']) }, ['error']) } } };

function buildDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, op] of Object.entries(OPS)) {
    const [method, path] = key.split(' ') as [string, string];
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: str }));
    (paths[path] ??= {})[method.toLowerCase()] = {
      tags: [op.tag],
      summary: op.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(op.body ? { requestBody: { required: false, content: { 'application/json': { schema: op.body } } } } : {}),
      responses: { 200: { description: 'JSON', content: { 'application/json': { schema: anyObj } } }, 400: errorResponse, 401: errorResponse, 404: errorResponse, 409: errorResponse },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'fleetwire mock backend admin API', version: '1', description: 'JSON in, JSON out. Everything under /api needs Authorization: Bearer <admin token> (printed by fleetwire-mock at start).' },
    components: { securitySchemes: { admin: { type: 'http', scheme: 'bearer' } } },
    security: [{ admin: [] }],
    paths,
  };
}

/** The OpenAPI 3.1 document of the admin API. */
export const OPENAPI = buildDocument();
