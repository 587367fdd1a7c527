/**
 * Node stand-ins for the k6 modules the scripts import, just enough to run one
 * VU of a script in vitest (k6 itself cannot be installed here). Mirrors k6's
 * documented semantics: k6/websockets event handlers, k6/metrics add(), k6/execution ids.
 */
import NodeWebSocket from 'ws';

export const samples: Record<string, { value: number; tags?: Record<string, string> }[]> = {};
/** Every metric the script declared, with its k6 type (thresholds and the summary need it). */
export const metricDefs: Record<string, { type: 'counter' | 'gauge' | 'rate' | 'trend'; contains: 'default' | 'time' }> = {};
export const logs: string[] = [];

class Metric {
  constructor(
    readonly name: string,
    type: 'counter' | 'gauge' | 'rate' | 'trend',
    isTime = false,
  ) {
    samples[name] ??= [];
    metricDefs[name] = { type, contains: isTime ? 'time' : 'default' };
  }
  add(value: number | boolean, tags?: Record<string, string>): void {
    samples[this.name]!.push({ value: Number(value), tags });
  }
}
export class Trend extends Metric {
  constructor(name: string, isTime = false) {
    super(name, 'trend', isTime);
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
}
export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
}

/**
 * k6/execution's clocks: the test run starts before setup() (`testStart`),
 * the scenario after it (`scenarioStart`, what exec.scenario.startTime reports).
 */
export const execState = { idInTest: 1, idInInstance: 1, iterationInScenario: 0, testStart: Date.now(), scenarioStart: Date.now() };
/** Faults the test injects into the stand-ins. `websocketThrows`: the WebSocket constructor throws this message (as k6's does on bad arguments). */
export const faults: { websocketThrows?: string } = {};
export default {
  vu: {
    get idInTest() {
      return execState.idInTest;
    },
    get idInInstance() {
      return execState.idInInstance;
    },
    get iterationInScenario() {
      return execState.iterationInScenario;
    },
  },
  instance: {
    get currentTestRunDuration() {
      return Date.now() - execState.testStart;
    },
  },
  scenario: {
    name: 'default',
    get startTime() {
      return execState.scenarioStart;
    },
    get iterationInInstance() {
      return execState.iterationInScenario;
    },
  },
  test: { options: {} },
};

export function sleep(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

export function SharedArray<T>(_name: string, fn: () => T[]): T[] {
  return fn();
}

export { setTimeout, clearTimeout, setInterval, clearInterval } from 'node:timers';

/** k6/websockets.WebSocket over the `ws` package. */
export class WebSocket {
  onopen: () => void = () => {};
  onmessage: (e?: { data: unknown }) => void = () => {};
  onclose: () => void = () => {};
  onerror: (e?: { error: string }) => void = () => {};
  onpong: () => void = () => {};
  onping: () => void = () => {};
  readonly closed: Promise<void>;
  private readonly ws: NodeWebSocket;
  constructor(url: string, _protocols?: null, params?: { headers?: Record<string, string> } | null) {
    if (faults.websocketThrows) throw new TypeError(faults.websocketThrows);
    this.ws = new NodeWebSocket(url, { headers: params?.headers });
    this.ws.on('open', () => this.onopen());
    this.ws.on('message', (d, binary) => this.onmessage({ data: binary ? d : d.toString() }));
    this.ws.on('pong', () => this.onpong());
    this.ws.on('ping', () => this.onping());
    this.ws.on('error', (e) => this.onerror({ error: e.message }));
    this.closed = new Promise((resolve) => this.ws.on('close', () => (this.onclose(), resolve())));
    sockets.push(this);
  }
  send(data: string): void {
    this.ws.send(data);
  }
  ping(): void {
    this.ws.ping();
  }
  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}
export const sockets: WebSocket[] = [];

// The test reads the state of the copy bundled into the script under test.
(globalThis as Record<string, unknown>).__k6shim = { samples, metricDefs, sockets, execState, faults };
