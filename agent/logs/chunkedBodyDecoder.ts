/**
 * Largest chunk taken. The engine writes each log message (at most 16 KiB of a line, plus its frame header) as one
 * chunk; a bigger size means the stream is out of step, and reading on would take whatever follows as data.
 */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

/** Longest chunk-size line taken (the size and any extensions). */
export const MAX_CHUNK_LINE_BYTES = 4096;

/** Longest trailer section taken, after the last chunk. */
export const MAX_TRAILER_BYTES = 16 * 1024;

const CR = 13;
const LF = 10;
const SEMICOLON = 59;
const SPACE = 32;
const TAB = 9;

// Where the decoder is: SIZE to SIZE_LF are a size line (SIZE_TAIL its extensions), TRAILER_* come after the last chunk.
const SIZE = 0;
const SIZE_TAIL = 1;
const SIZE_LF = 2;
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER_LINE_START = 6;
const TRAILER_LINE = 7;
const TRAILER_LINE_LF = 8;
const TRAILER_END_LF = 9;
const DONE = 10;

/** The value of a hex digit byte, or -1. */
function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/**
 * Incremental decoder of an HTTP/1.1 chunked body (RFC 9112 §7.1: hex size, optional extensions, CRLF, data, CRLF;
 * a 0 size, optional trailers, CRLF), fed reads as they arrive, split anywhere. It decodes in place: the data of all
 * the chunks in a read is moved together at the front of it, so a read of many chunks becomes one piece of body.
 */
export class ChunkedBodyDecoder {
  private state = SIZE;
  /** The size being read, then the data of the current chunk still to come. */
  private size = 0;
  private digits = 0;
  private lineBytes = 0;
  private trailerBytes = 0;

  /** True once the last (0-size) chunk and its trailers are read; later bytes are ignored. */
  get done(): boolean {
    return this.state === DONE;
  }

  /**
   * Decodes `buf[from..]`, writing the body bytes it holds to `buf[out..]` (`out <= from`: over what was read);
   * returns the index after the last body byte written. Throws on a malformed or oversized chunk.
   */
  decode(buf: Buffer, from: number, out: number): number {
    const end = buf.length;
    let i = from;
    let state = this.state;
    while (i < end && state !== DONE) {
      if (state === DATA) {
        const n = Math.min(this.size, end - i);
        if (out !== i) buf.copyWithin(out, i, i + n);
        out += n;
        i += n;
        this.size -= n;
        if (this.size === 0) state = DATA_CR;
        continue;
      }
      const byte = buf[i++] as number;
      if (state <= SIZE_LF) {
        if (++this.lineBytes > MAX_CHUNK_LINE_BYTES)
          throw new Error(`chunk size line of over ${MAX_CHUNK_LINE_BYTES} bytes in the engine's answer`);
        state = this.sizeLine(state, byte);
      } else if (state === DATA_CR) {
        if (byte !== CR) throw chunkError('CRLF after a chunk', byte);
        state = DATA_LF;
      } else if (state === DATA_LF) {
        if (byte !== LF) throw chunkError('CRLF after a chunk', byte);
        state = SIZE;
        this.lineBytes = 0;
      } else {
        if (++this.trailerBytes > MAX_TRAILER_BYTES)
          throw new Error(`trailers of over ${MAX_TRAILER_BYTES} bytes in the engine's answer`);
        state = trailer(state, byte);
      }
    }
    this.state = state;
    return out;
  }

  /** One byte of a chunk-size line: hex digits, then extensions (skipped) or CRLF. */
  private sizeLine(state: number, byte: number): number {
    if (state === SIZE) {
      const digit = hexValue(byte);
      if (digit >= 0) {
        this.size = this.size * 16 + digit;
        this.digits++;
        if (this.size > MAX_CHUNK_BYTES)
          throw new Error(`chunk of over ${MAX_CHUNK_BYTES} bytes in the engine's answer (the stream is broken)`);
        return SIZE;
      }
      if (this.digits === 0) throw chunkError('a chunk size', byte);
      if (byte === CR) return SIZE_LF;
      if (byte === SEMICOLON || byte === SPACE || byte === TAB) return SIZE_TAIL;
      throw chunkError('a chunk size', byte);
    }
    if (state === SIZE_TAIL) {
      if (byte === LF) throw chunkError('CR before LF after a chunk size', byte);
      return byte === CR ? SIZE_LF : SIZE_TAIL;
    }
    if (byte !== LF) throw chunkError('LF after a chunk size', byte);
    this.digits = 0;
    return this.size === 0 ? TRAILER_LINE_START : DATA;
  }
}

/** One byte of the trailer section: header lines (skipped) up to an empty line. */
function trailer(state: number, byte: number): number {
  if (state === TRAILER_LINE_START) return byte === CR ? TRAILER_END_LF : TRAILER_LINE;
  if (state === TRAILER_LINE) return byte === CR ? TRAILER_LINE_LF : TRAILER_LINE;
  if (byte !== LF)
    throw chunkError(state === TRAILER_END_LF ? 'LF at the end of the trailers' : 'LF after a trailer', byte);
  return state === TRAILER_END_LF ? DONE : TRAILER_LINE_START;
}

function chunkError(expected: string, byte: number): Error {
  return new Error(`bad chunked body in the engine's answer: expected ${expected}, got byte 0x${byte.toString(16)}`);
}
