/**
 * While a body streams, a read that comes within this long of the one before it holds the socket this long before
 * the next: the engine writes each log message on its own, so a busy follow would otherwise cost a read, a callback
 * and a decode pass per message.
 */
export const READ_PACE_MS = 10;

/**
 * Reads this close together make a stream busy. Twice the pace, so that the first read after a hold (which comes a
 * little more than READ_PACE_MS after the one before it) still counts as busy.
 */
const BUSY_GAP_MS = 2 * READ_PACE_MS;

/**
 * A stream that brought at least this much within the current pace window is not held: its reads are already
 * large, and holding it could fill the socket's buffer and slow the engine's writes (a flood keeps its throughput).
 */
export const PACE_MAX_BYTES = 32 * 1024;

/**
 * Decides, read by read, whether a stream's socket is held for {@link READ_PACE_MS}: only when reads come close
 * together and carry little (a quiet stream's first read, and a flood, are never held).
 */
export class ReadPacer {
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowBytes = 0;

  /** Records a read of `bytes` at `now` (ms); true when the socket should now be held for READ_PACE_MS. */
  onRead(now: number, bytes: number): boolean {
    const streaming = now - this.lastReadAt <= BUSY_GAP_MS;
    this.lastReadAt = now;
    if (now - this.windowStart >= READ_PACE_MS) {
      this.windowStart = now;
      this.windowBytes = 0;
    }
    this.windowBytes += bytes;
    return streaming && this.windowBytes < PACE_MAX_BYTES;
  }
}
