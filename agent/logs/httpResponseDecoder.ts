import { ChunkedBodyDecoder } from './chunkedBodyDecoder';
import { parseResponseHead, type ResponseHead } from './httpResponseHead';

/** Longest response head taken (the engine's are under 1 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;

const EMPTY = Buffer.alloc(0);
const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Incremental decoder of one HTTP/1.x response as read from a socket: the head, then the body by its framing
 * (chunked, `Content-Length` or up to the close). Each read gives back the body bytes it held as one buffer, decoded
 * in place over the read, so the consumer gets one piece per read however many chunks the engine wrote.
 */
export class HttpResponseDecoder {
  /** The status line and headers, once read whole. */
  head: ResponseHead | undefined;
  private pendingHead: Buffer = EMPTY;
  private chunked: ChunkedBodyDecoder | undefined;
  private remaining = 0;

  /** True once the body is complete (last chunk or `Content-Length` read); later bytes are ignored. */
  get done(): boolean {
    const framing = this.head?.framing;
    if (!framing) return false;
    if (framing.kind === 'chunked') return (this.chunked as ChunkedBodyDecoder).done;
    return framing.kind === 'length' && this.remaining === 0;
  }

  /**
   * Takes one read; returns the body bytes it held (possibly none) as a view over `read`, whose bytes it overwrites
   * (over a copy when the head came in pieces). Throws on a malformed head or chunk.
   */
  push(read: Buffer): Buffer {
    let buf = read;
    let from = 0;
    if (!this.head) {
      const searchFrom = Math.max(0, this.pendingHead.length - 3);
      buf = this.pendingHead.length ? Buffer.concat([this.pendingHead, read]) : read;
      const at = buf.indexOf(HEAD_END, searchFrom);
      if (at < 0) {
        if (buf.length > MAX_HEAD_BYTES)
          throw new Error(`the engine's answer has a head of over ${MAX_HEAD_BYTES} bytes`);
        this.pendingHead = Buffer.from(buf);
        return EMPTY;
      }
      if (at > MAX_HEAD_BYTES) throw new Error(`the engine's answer has a head of over ${MAX_HEAD_BYTES} bytes`);
      this.pendingHead = EMPTY;
      this.head = parseResponseHead(buf.toString('latin1', 0, at));
      if (this.head.framing.kind === 'chunked') this.chunked = new ChunkedBodyDecoder();
      else if (this.head.framing.kind === 'length') this.remaining = this.head.framing.bytes;
      from = at + HEAD_END.length;
    }
    if (this.done) return EMPTY;
    if (this.chunked) return buf.subarray(from, this.chunked.decode(buf, from, from));
    if (this.head.framing.kind === 'close') return from === 0 ? buf : buf.subarray(from);
    const n = Math.min(this.remaining, buf.length - from);
    this.remaining -= n;
    return buf.subarray(from, from + n);
  }

  /** The connection ended: throws when the answer was cut short (no head, a chunked or sized body not complete). */
  finish(): void {
    if (!this.head) throw new Error('the engine closed the connection before it answered');
    const framing = this.head.framing;
    if (framing.kind === 'close' || this.done) return;
    throw new Error(
      framing.kind === 'chunked'
        ? "the engine's answer ended before its last chunk (the connection closed mid-stream)"
        : `the engine's answer ended ${this.remaining} bytes short of its Content-Length`,
    );
  }
}
