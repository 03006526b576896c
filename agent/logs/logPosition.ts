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

const SECOND_NS = 1_000_000_000n;

/** {@link StreamCursor.nextAt}: the message is new, to be taken. */
export const CURSOR_TAKE = 0;
/** {@link StreamCursor.nextAt}: the checkpoint already covers the message. */
export const CURSOR_SKIP = 1;
/** {@link StreamCursor.nextAt}: stamped before the message numbered last (nothing numbered, no position moved). */
export const CURSOR_OUT_OF_ORDER = 2;

/**
 * Numbers the messages of one stream as they arrive (the `n`-th message stamped `ts`) and says which of them a
 * checkpoint already covers, so a resume skips exactly those. Times are kept as whole seconds and nanoseconds
 * (numbers), so numbering a message allocates nothing; positions are made only when asked for.
 */
export class StreamCursor {
  private lastSec = -1;
  private lastNs = 0;
  private countAtTs = 0;
  private readonly resumeSec: number;
  private readonly resumeNs: number;

  constructor(private readonly resumeAt: LogPosition) {
    this.resumeSec = Number(resumeAt.ts / SECOND_NS);
    this.resumeNs = Number(resumeAt.ts % SECOND_NS);
  }

  /**
   * The position just after a message stamped `ts`; `skip` when the checkpoint already covers it, `outOfOrder` (and
   * `skip`) when it is stamped before the message numbered last (nothing numbered, no position moved).
   */
  next(ts: bigint): { position: LogPosition; skip: boolean; outOfOrder?: true } {
    const step = this.nextAt(Number(ts / SECOND_NS), Number(ts % SECOND_NS));
    if (step === CURSOR_OUT_OF_ORDER) return { position: this.position(), skip: true, outOfOrder: true };
    return { position: this.position(), skip: step === CURSOR_SKIP };
  }

  /** {@link next} for a message stamped `sec` seconds and `ns` nanoseconds; read the position with {@link position}. */
  nextAt(sec: number, ns: number): number {
    if (sec < this.lastSec || (sec === this.lastSec && ns < this.lastNs)) return CURSOR_OUT_OF_ORDER;
    if (sec === this.lastSec && ns === this.lastNs) this.countAtTs++;
    else {
      this.lastSec = sec;
      this.lastNs = ns;
      this.countAtTs = 1;
    }
    const r = this.resumeSec;
    const covered =
      sec < r || (sec === r && (ns < this.resumeNs || (ns === this.resumeNs && this.countAtTs <= this.resumeAt.n)));
    return covered ? CURSOR_SKIP : CURSOR_TAKE;
  }

  /** The position just after the message numbered last (`ts` 0, `n` 0 before the first). */
  position(): LogPosition {
    return { ts: this.lastTs, n: this.countAtTs };
  }

  /** Time of the message numbered last, 0 before the first. */
  get lastTs(): bigint {
    return this.lastSec < 0 ? 0n : BigInt(this.lastSec) * SECOND_NS + BigInt(this.lastNs);
  }

  /** The message numbered last, as seconds, nanoseconds and its number among those stamped alike (into `out`). */
  lastAt(out: { sec: number; ns: number; n: number }): void {
    out.sec = this.lastSec;
    out.ns = this.lastNs;
    out.n = this.countAtTs;
  }

  /** How many messages stamped `ts` this cursor has numbered (0 when its last message had another time). */
  countAt(ts: bigint): number {
    return this.lastSec >= 0 && ts === this.lastTs ? this.countAtTs : 0;
  }
}

/** A position from seconds, nanoseconds and a count (see {@link StreamCursor.lastAt}). */
export function positionAt(sec: number, ns: number, n: number): LogPosition {
  return { ts: BigInt(sec) * SECOND_NS + BigInt(ns), n };
}
