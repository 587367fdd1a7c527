/**
 * The `lightd` dialect (docs/protocols/lightd.md): plain WebSocket on
 * `/ws/:internal_id?token=`, JSON `{event}` messages. Every message of the
 * document, both directions. Extra fields are accepted; missing or mistyped
 * required fields fail. `power` actions are start/stop/kill/restart
 * (docs/protocols/README.md).
 */
import { Type, type Static } from '../../core/schema.js';

export * from './constants.js';
import { ContainerStates, PowerActions } from './constants.js';

export const ContainerState = Type.Union(ContainerStates.map((s) => Type.Literal(s)));
export type ContainerState = (typeof ContainerStates)[number];

export const PowerAction = Type.Union(PowerActions.map((a) => Type.Literal(a)));
export type PowerAction = (typeof PowerActions)[number];

// ── server → client ────────────────────────────────────────────────────────

const bytes = () => Type.Number({ minimum: 0 });
export const StatsFields = Type.Object({
  cpu_usage: Type.Number({ minimum: 0 }),
  memory_usage: bytes(),
  memory_limit: bytes(),
  network_rx: bytes(),
  network_tx: bytes(),
  block_read: bytes(),
  block_write: bytes(),
});
export type StatsFields = Static<typeof StatsFields>;
export const Stats = Type.Composite([Type.Object({ event: Type.Literal('stats') }), StatsFields]);
export type Stats = Static<typeof Stats>;

export const Console = Type.Object({ event: Type.Literal('console'), data: Type.String() });
export type Console = Static<typeof Console>;
export const ConsoleDuplicate = Type.Object({ event: Type.Literal('console duplicate'), data: Type.String() });
export type ConsoleDuplicate = Static<typeof ConsoleDuplicate>;
export const StateEvent = Type.Object({ event: Type.Literal('event'), data: ContainerState });
export type StateEvent = Static<typeof StateEvent>;
export const DaemonMessage = Type.Object({ event: Type.Literal('daemon_message'), data: Type.String() });
export type DaemonMessage = Static<typeof DaemonMessage>;
export const Logs = Type.Object({ event: Type.Literal('logs'), data: Type.String() });
export type Logs = Static<typeof Logs>;

// ── client → server ────────────────────────────────────────────────────────

export const SendCommand = Type.Object({ event: Type.Literal('send_command'), command: Type.String() });
export type SendCommand = Static<typeof SendCommand>;
export const Power = Type.Object({ event: Type.Literal('power'), action: PowerAction });
export type Power = Static<typeof Power>;
export const RequestLogs = Type.Object({ event: Type.Literal('request_logs') });
export type RequestLogs = Static<typeof RequestLogs>;

/** Schemas validated at run time (validators.gen.ts turns them into `lightdValidators`). */
export const lightdValidatorSchemas = {
  /** What a LightdConsole receives, by `event`. */
  toClient: {
    stats: Stats,
    console: Console,
    'console duplicate': ConsoleDuplicate,
    event: StateEvent,
    daemon_message: DaemonMessage,
    logs: Logs,
  },
  /** What the server receives, by `event`. */
  fromClient: {
    send_command: SendCommand,
    power: Power,
    request_logs: RequestLogs,
  },
} as const;
