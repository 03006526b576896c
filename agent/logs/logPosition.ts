import type { LogStreamName } from './logFrameDecoder';

/**
 * A place in one stream of a container's log: every message with a timestamp before `ts` has been taken, and the
 * first `n` messages stamped exactly `ts`. Exact across restarts even when several messages share a nanosecond.
 */
export type LogPosition = { ts: bigint; n: number };

/** The checkpoint of one container: a position per stream. */
export type LogCheckpoint = Record<LogStreamName, LogPosition>;

/** A checkpoint with both streams at `ts`. */
export function checkpointAt(ts: bigint): LogCheckpoint {
  return { stdout: { ts, n: 0 }, stderr: { ts, n: 0 } };
}

/** Where to ask the engine to start (`since`): the earlier of the two streams. */
export function resumeFrom(cp: LogCheckpoint): bigint {
  return cp.stdout.ts < cp.stderr.ts ? cp.stdout.ts : cp.stderr.ts;
}

/** Whether `a` is before `b`. */
export function isBefore(a: LogPosition, b: LogPosition): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.n < b.n);
}

/**
 * Numbers the messages of one stream as they arrive (the `n`-th message stamped `ts`) and says which of them a
 * checkpoint already covers, so a resume skips exactly those.
 */
export class StreamCursor {
  private lastTs = -1n;
  private countAtTs = 0;

  constructor(private readonly resumeAt: LogPosition) {}

  /**
   * The position just after a message stamped `ts`; `skip` when the checkpoint already covers it, `outOfOrder` (and
   * `skip`) when it is stamped before the message numbered last (nothing numbered, no position moved).
   */
  next(ts: bigint): { position: LogPosition; skip: boolean; outOfOrder?: true } {
    if (ts < this.lastTs) return { position: { ts: this.lastTs, n: this.countAtTs }, skip: true, outOfOrder: true };
    if (ts === this.lastTs) this.countAtTs++;
    else {
      this.lastTs = ts;
      this.countAtTs = 1;
    }
    const position = { ts, n: this.countAtTs };
    const skip = ts < this.resumeAt.ts || (ts === this.resumeAt.ts && this.countAtTs <= this.resumeAt.n);
    return { position, skip };
  }

  /** How many messages stamped `ts` this cursor has numbered (0 when its last message had another time). */
  countAt(ts: bigint): number {
    return ts === this.lastTs ? this.countAtTs : 0;
  }
}
