import { describe, expect, it } from 'vitest';
import { StateMachine, TransitionCodes, type ConnectionState, type StateTransition } from './state.js';

const ALL: ConnectionState[] = ['idle', 'connecting', 'connected', 'reconnecting', 'closed'];
const LEGAL: [ConnectionState, ConnectionState][] = [
  ['idle', 'connecting'],
  ['idle', 'closed'],
  ['connecting', 'connected'],
  ['connecting', 'reconnecting'],
  ['connecting', 'closed'],
  ['connected', 'reconnecting'],
  ['connected', 'closed'],
  ['reconnecting', 'connected'],
  ['reconnecting', 'closed'],
  ['closed', 'connecting'],
];

function machineIn(state: ConnectionState, seen: StateTransition[] = []): StateMachine {
  const m = new StateMachine((t) => seen.push(t));
  const path: Record<ConnectionState, ConnectionState[]> = {
    idle: [],
    connecting: ['connecting'],
    connected: ['connecting', 'connected'],
    reconnecting: ['connecting', 'reconnecting'],
    closed: ['closed'],
  };
  for (const s of path[state]) m.transition(s, TransitionCodes.CONNECT_CALLED, 'setup');
  seen.length = 0;
  return m;
}

describe('StateMachine', () => {
  it.each(LEGAL)('%s → %s is allowed and emitted with its code and reason', (from, to) => {
    const seen: StateTransition[] = [];
    const m = machineIn(from, seen);
    m.transition(to, TransitionCodes.CONNECTION_LOST, 'because');
    expect(m.state).toBe(to);
    expect(seen).toEqual([{ from, to, code: 'CONNECTION_LOST', reason: 'because', at: expect.any(Number) }]);
  });

  const illegal = ALL.flatMap((from) => ALL.filter((to) => !LEGAL.some(([f, t]) => f === from && t === to)).map((to) => [from, to] as const));
  it.each(illegal)('%s → %s is refused and changes nothing', (from, to) => {
    const seen: StateTransition[] = [];
    const m = machineIn(from, seen);
    expect(m.can(to)).toBe(false);
    expect(() => m.transition(to, TransitionCodes.CONNECTED, 'x')).toThrow(/illegal state transition/);
    expect(m.state).toBe(from);
    expect(seen).toEqual([]);
  });
});
