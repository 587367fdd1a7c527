/**
 * The two child processes of bench/mock-backend-cpu.ts (not a bench of its own).
 *
 *   --role=host --backend=<path to backend.ts>   runs startMockBackend() from that file
 *       (today's tree or a baseline worktree) and answers `cpu` with process.cpuUsage();
 *       --backend=bare: a bare Socket.IO server whose /fleet only acks (the floor)
 *   --role=load --url=<fleet url> --agents=N --interval-ms=MS
 *       N socket.io-client agents heartbeating every MS with acks, spread evenly by one
 *       shared 10 ms tick (no per-agent timers); answers `acks` with the count so far
 *
 * Both talk to the parent over IPC and exit when it goes away.
 */
import { pathToFileURL } from 'node:url';
import { sampleMetrics } from '../test-support/index.js';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const send = (m: unknown) => process.send?.(m);
// The parent is the only reason to live: a bench that died must not leave children behind.
process.on('disconnect', () => process.exit(0));

/** Socket.IO on /fleet that acks every heartbeat and does nothing else: what any Socket.IO server pays. */
async function bareSocketIo(): Promise<{ fleetUrl: string; close(): Promise<void> }> {
  const [{ createServer }, { Server }] = await Promise.all([import('node:http'), import('socket.io')]);
  const http = createServer();
  const io = new Server(http, { serveClient: false, transports: ['websocket'] });
  io.of('/fleet').on('connection', (s) => s.on('heartbeat', (_p: unknown, ack: (r: unknown) => void) => ack({ success: true })));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { fleetUrl: `http://127.0.0.1:${(http.address() as { port: number }).port}`, close: () => io.close() };
}

async function host(backendPath: string): Promise<void> {
  const b =
    backendPath === 'bare'
      ? await bareSocketIo()
      : await ((await import(pathToFileURL(backendPath).href)) as typeof import('../packages/mock-backend/src/backend.js')).startMockBackend({ ephemeral: true, ports: { admin: false } });
  // --prof: profile only the measured window (not start-up and the connect burst).
  const { Session } = await import('node:inspector');
  const inspector = new Session();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => inspector.post(method, params ?? {}, (err, r) => (err ? reject(err) : resolve(r))));
  process.on('message', (m: string) => {
    if (m === 'prof-start') {
      inspector.connect();
      void post('Profiler.enable').then(() => post('Profiler.start')).then(() => send({ profiling: true }));
    } else if (m.startsWith?.('prof-stop ')) {
      void post('Profiler.stop').then(async (r) => {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(m.slice('prof-stop '.length), JSON.stringify((r as { profile: unknown }).profile));
        inspector.disconnect();
        send({ profiled: true });
      });
    } else if (m === 'cpu') {
      const u = process.cpuUsage();
      send({ cpuUs: u.user + u.system, rss: process.memoryUsage().rss });
    } else if (m === 'stop') void b.close().then(() => process.send!({ stopped: true }, () => process.exit(0)));
  });
  send({ url: b.fleetUrl });
}

/** A heartbeat that passes the fleet schema (the metrics every test uses). */
const heartbeat = (nodeId: string) => ({ nodeId, status: 'online', metrics: sampleMetrics() });

async function load(url: string, agents: number, intervalMs: number): Promise<void> {
  const { io } = await import('socket.io-client');
  type S = ReturnType<typeof io>;
  const sockets: S[] = [];
  let acks = 0;
  let refused = 0;
  const onAck = (ack: { success?: boolean }) => (ack?.success === true ? acks++ : refused++);
  // Connect in batches of 200 so the handshake burst does not starve the host.
  for (let i = 0; i < agents; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, agents - i) }, (_, j) => new Promise<void>((resolve, reject) => {
        const nodeId = `cpu-${i + j}`;
        const s = io(`${url}/fleet`, { transports: ['websocket'], auth: { token: 'fleetwire-dev-key', nodeId }, reconnection: false });
        (s as S & { hb?: unknown }).hb = heartbeat(nodeId);
        sockets.push(s);
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      })),
    );
  }
  // One tick spreads the agents' heartbeats evenly over the interval.
  const tickMs = 10;
  const perTick = agents / (intervalMs / tickMs);
  let next = 0, due = 0;
  const timer = setInterval(() => {
    due += perTick;
    while (due >= 1) {
      due--;
      const s = sockets[next]! as S & { hb: unknown };
      next = (next + 1) % sockets.length;
      if (s.connected) s.emit('heartbeat', s.hb, onAck);
    }
  }, tickMs);
  process.on('message', (m: string) => {
    if (m === 'acks') send({ acks, refused, connected: sockets.filter((s) => s.connected).length });
    else if (m === 'stop') {
      clearInterval(timer);
      for (const s of sockets) s.close();
      send({ stopped: true });
    }
  });
  send({ ready: true });
}

const role = arg('role');
const run = role === 'host' ? host(arg('backend')!) : role === 'load' ? load(arg('url')!, Number(arg('agents')), Number(arg('interval-ms'))) : Promise.reject(new Error('--role=host|load'));
run.catch((err: unknown) => {
  send({ error: String((err as Error)?.stack ?? err) });
  process.exit(1);
});
