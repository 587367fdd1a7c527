/**
 * A one-shot deadline of one socket on the shared wheel (its connect timeout,
 * its ping watch). A small object per armed deadline rather than the socket
 * itself, so cancelling one (live = false) never confuses it with a re-armed one.
 */
import type { WheelEntry } from './wheel.js';

export interface DeadlineOwner {
  onDeadline(d: Deadline, now: number): void;
}

export class Deadline implements WheelEntry {
  due = 0;
  live = false;
  wheelSlot = -1;
  wheelPos = -1;
  constructor(private readonly owner: DeadlineOwner) {}
  onWheel(now: number): void {
    this.owner.onDeadline(this, now);
  }
}
