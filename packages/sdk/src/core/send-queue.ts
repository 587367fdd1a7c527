/**
 * Plain (unacknowledged) sends made while disconnected wait here and go out on
 * the next connection. Bounded, with one stated policy: when full, the OLDEST
 * message is dropped — for metrics and console input the newest is the one
 * worth keeping — and the drop is reported (FW_QUEUE_OVERFLOW), never silent.
 */
export class SendQueue<T> {
  private items: T[] = [];
  private droppedCount = 0;

  /**
   * @param capacity most messages kept while disconnected. Default 1000; 0 disables queueing
   *   (every send while disconnected is dropped and reported).
   */
  constructor(
    private readonly capacity = 1000,
    private readonly onDrop: (item: T) => void = () => {},
  ) {}

  push(item: T): void {
    if (this.capacity <= 0) {
      this.droppedCount++;
      this.onDrop(item);
      return;
    }
    if (this.items.length >= this.capacity) {
      const dropped = this.items.shift() as T;
      this.droppedCount++;
      this.onDrop(dropped);
    }
    this.items.push(item);
  }

  /** Removes and returns everything queued, oldest first. */
  drain(): T[] {
    const out = this.items;
    this.items = [];
    return out;
  }

  get size(): number {
    return this.items.length;
  }

  /** Messages dropped since creation. */
  get dropped(): number {
    return this.droppedCount;
  }
}
