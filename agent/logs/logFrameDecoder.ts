/** The stream a log frame came from. */
export type LogStreamName = 'stdout' | 'stderr';

/** One frame of Docker's multiplexed log stream: the bytes of one log message of one stream. */
export type LogFrame = { stream: LogStreamName; data: Buffer };

const HEADER = 8;
const STDERR = 2;
const EMPTY = Buffer.alloc(0);
/**
 * Largest frame taken: the engine sends a message per frame and splits lines at 16 KiB, so a bigger size is a broken
 * stream, not a line; without a limit the decoder would buffer up to 4 GiB waiting for it.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Incremental decoder of Docker's multiplexed stream (8-byte header: stream type, 3 zero bytes, big-endian
 * uint32 size), fed chunks as they arrive, which may split headers and payloads anywhere. TTY containers' streams have
 * no headers and are not decoded.
 */
export class LogFrameDecoder {
  private pending: Buffer = EMPTY;

  /**
   * Decodes `chunk`; returns the complete frames, keeping any incomplete tail for the next call. Throws on a frame
   * over MAX_FRAME_BYTES (the stream is broken: reopen it).
   */
  push(chunk: Buffer): LogFrame[] {
    const frames: LogFrame[] = [];
    this.each(chunk, (type, buf, start, end) =>
      frames.push({ stream: type === STDERR ? 'stderr' : 'stdout', data: buf.subarray(start, end) }),
    );
    return frames;
  }

  /**
   * {@link push} without an object per frame: calls `take` with each complete frame's stream type (2 is stderr) and
   * the bounds of its payload in `buf`, in order; an incomplete tail is kept for the next call.
   */
  each(chunk: Buffer, take: (type: number, buf: Buffer, start: number, end: number) => void): void {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= HEADER) {
      const size = buf.readUInt32BE(at + 4);
      if (size > MAX_FRAME_BYTES) throw new Error(`log stream frame of ${size} bytes (over ${MAX_FRAME_BYTES})`);
      if (buf.length - at - HEADER < size) break;
      take(buf[at] as number, buf, at + HEADER, at + HEADER + size);
      at += HEADER + size;
    }
    this.pending = at < buf.length ? Buffer.from(buf.subarray(at)) : EMPTY;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.pending.length;
  }
}
