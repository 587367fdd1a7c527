import type { ClientEvents } from '../../core/client.js';
import type { ContainerState, StatsFields } from './schema.js';

/** Events of {@link LightdConsole}. */
export interface LightdConsoleEvents extends ClientEvents {
  /** Container statistics (the server sends them only when a value changed). */
  stats: (stats: StatsFields) => void;
  /** Console output, as sent (lines keep their `\n`). */
  console: (data: string) => void;
  /** The compatibility duplicate of console output; emitted only with `includeDuplicates: true`. */
  'console duplicate': (data: string) => void;
  /** Every container state event, with the state before it (null before the first). */
  container_state: (info: { from: ContainerState | null; to: ContainerState }) => void;
  daemon_message: (data: string) => void;
  /** Historical logs (the answer to request_logs). */
  logs: (data: string) => void;
}
