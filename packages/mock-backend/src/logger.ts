/** The mock backend's log sink: silent by default (tests), console in the CLI. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {} };

export const consoleLogger: Logger = {
  info: (msg, fields) => console.log(`[mock] ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`),
  warn: (msg, fields) => console.warn(`[mock] WARN ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}`),
};
