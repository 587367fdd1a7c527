/**
 * Acknowledged delivery (MQTT.js outgoing store, socket.io `retries`): every
 * message that needs an ack is kept, in order, until its ack arrives. While the
 * connection is up each one is sent with an ack timeout and resent when the
 * timeout passes; when the connection drops, the whole store is resent in the
 * original order on the next connection. Delivery is at-least-once: a message
 * whose ack was lost in a disconnect is sent again, and the control plane treats
 * a repeat as the same fact (docs/protocols/README.md).
 */
import { ErrorCodes, FleetwireError } from './errors.js';

/** Sends one message and resolves with the peer's ack, or rejects on timeout/disconnect. */
export type AckedSend = (event: string, payload: unknown, timeoutMs: number) => Promise<unknown>;

export interface OutboxOptions {
  /** Time to wait for one ack before resending on the same connection. Default 10000 ms. */
  ackTimeoutMs?: number;
  /**
   * Most messages kept at once. A push beyond it is rejected with
   * FW_QUEUE_OVERFLOW (never silently dropped: these are facts the control
   * plane must learn). Default 10000.
   */
  maxPending?: number;
}

export interface OutboxEntry {
  readonly id: number;
  readonly event: string;
  readonly payload: unknown;
  /** Times sent so far (1 = first send). */
  attempts: number;
}

interface Internal extends OutboxEntry {
  resolve(ack: unknown): void;
  reject(err: FleetwireError): void;
}

export interface OutboxObserver {
  /** An ack did not come in time; the message is being resent. */
  onAckTimeout?(entry: OutboxEntry): void;
}

export class AckOutbox {
  private readonly entries: Internal[] = [];
  private nextId = 1;
  private online = false;
  /** Bumps on every online/offline change so late failures of an old connection are ignored. */
  private generation = 0;
  private readonly ackTimeoutMs: number;
  private readonly maxPending: number;

  constructor(
    private readonly send: AckedSend,
    options: OutboxOptions = {},
    private readonly observer: OutboxObserver = {},
  ) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.maxPending = options.maxPending ?? 10_000;
  }

  /** Messages not yet acknowledged, oldest first. */
  get pending(): readonly OutboxEntry[] {
    return this.entries;
  }

  /** Queues a message; sends it now when online. Resolves with the ack. */
  push(event: string, payload: unknown): Promise<unknown> {
    if (this.entries.length >= this.maxPending) {
      return Promise.reject(
        new FleetwireError(ErrorCodes.FW_QUEUE_OVERFLOW, `outbox full: ${this.maxPending} messages await an ack`, { event }),
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      const entry: Internal = { id: this.nextId++, event, payload, attempts: 0, resolve, reject };
      this.entries.push(entry);
      if (this.online) this.transmit(entry);
    });
  }

  /** The connection is up: resend everything pending, in order. */
  setOnline(): void {
    this.online = true;
    this.generation++;
    for (const e of this.entries) this.transmit(e);
  }

  /** The connection is down: hold everything until setOnline(). */
  setOffline(): void {
    this.online = false;
    this.generation++;
  }

  /** Rejects every pending message with FW_CLOSED. */
  close(): void {
    this.setOffline();
    const err = new FleetwireError(ErrorCodes.FW_CLOSED, 'client closed before the message was acknowledged');
    for (const e of this.entries.splice(0)) e.reject(err);
  }

  private transmit(entry: Internal): void {
    const gen = this.generation;
    entry.attempts++;
    this.send(entry.event, entry.payload, this.ackTimeoutMs).then(
      (ack) => {
        // An ack is an ack, whichever connection carried it.
        const i = this.entries.indexOf(entry);
        if (i < 0) return;
        this.entries.splice(i, 1);
        entry.resolve(ack);
      },
      () => {
        if (gen !== this.generation || !this.online || !this.entries.includes(entry)) return; // resent by setOnline()
        this.observer.onAckTimeout?.(entry);
        this.transmit(entry);
      },
    );
  }
}
