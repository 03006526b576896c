import type { Timers } from '../../../alerts/alertRunner';

/** A clock and timers a test moves by hand: `advance` runs every timer that falls due, in time order. */
export class ManualTimers implements Timers {
  now = 0;
  private seq = 0;
  private readonly queue = new Map<number, { at: number; fn: () => void }>();

  readonly set = (fn: () => void, ms: number): NodeJS.Timeout => {
    const id = ++this.seq;
    this.queue.set(id, { at: this.now + Math.max(0, ms), fn });
    return { id, unref: () => undefined } as unknown as NodeJS.Timeout;
  };

  readonly clear = (timer: NodeJS.Timeout): void => {
    this.queue.delete((timer as unknown as { id: number }).id);
  };

  /** Timers waiting to run. */
  get armed(): number {
    return this.queue.size;
  }

  /** Moves the clock forward by `ms`, running the timers due on the way (and those they arm that fall due). */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.queue) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.queue.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fn();
    }
    this.now = target;
  }
}
