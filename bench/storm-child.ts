/**
 * One slice of bench/storm.ts's fleet in its own process (its own 20,000 open
 * files). Over IPC: gets its SliceSpec, reports its connected count every
 * 200 ms, begins a storm when told (dropping every socket itself for a
 * partition), and sends its storm record when asked to finish; exits on stop.
 */
import { startFleet, type SliceSpec } from './_storm-fleets.js';
import type { StormStart } from '../packages/simulator/src/run/storm-book.js';

export type ToChild = { type: 'start'; spec: SliceSpec } | { type: 'storm'; storm: StormStart } | { type: 'finish' } | { type: 'stop' };
export type FromChild = { type: 'connected'; n: number } | { type: 'storms'; storms: unknown } | { type: 'stopped' };

const send = (m: FromChild) => process.send?.(m);
let fleet: ReturnType<typeof startFleet> | null = null;
let target = 0;
let timer: ReturnType<typeof setInterval> | null = null;

process.on('message', (m: ToChild) => {
  if (m.type === 'start') {
    target = m.spec.end - m.spec.start;
    fleet = startFleet(m.spec);
    timer = setInterval(() => send({ type: 'connected', n: fleet!.connected() }), 200);
  } else if (m.type === 'storm' && fleet) {
    fleet.book.begin(m.storm, target, fleet.connected());
    if (m.storm.drop) fleet.dropAll();
  } else if (m.type === 'finish' && fleet) {
    fleet.book.finish();
    send({ type: 'storms', storms: fleet.report.storms });
  } else if (m.type === 'stop') {
    if (timer) clearInterval(timer);
    void (fleet?.stop() ?? Promise.resolve()).then(() => {
      send({ type: 'stopped' });
      process.exit(0);
    });
  }
});
process.on('disconnect', () => process.exit(0));
