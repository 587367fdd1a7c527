/** Run-time constants of the lightd dialect, apart from the schemas so a client bundle needs no schema builder. */

/** Path of one container's socket (the token goes in the query). */
export const lightdPath = (internalId: string): string => `/ws/${encodeURIComponent(internalId)}`;

/** Close code of a token that expired during the session (docs/protocols/README.md). */
export const LIGHTD_TOKEN_EXPIRED_CLOSE = 4001;

/** Container states of lightd.md's `event` message. */
export const ContainerStates = ['installing', 'installed', 'starting', 'running', 'stopping', 'exit'] as const;

/** Actions of the `power` message (start/stop/kill/restart). */
export const PowerActions = ['start', 'stop', 'kill', 'restart'] as const;
