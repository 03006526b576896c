import { parseLogTimestamp, parseLogTimestampAt, type LogTimeParts } from './logTimestamp';
import type { LogPosition } from './logPosition';
import { CURSOR_OUT_OF_ORDER, CURSOR_SKIP, StreamCursor } from './logPosition';

/** One complete log line of one stream. */
export type AssembledLine = {
  text: string;
  /** Time of the line's first message (ns since the epoch). */
  ts: bigint;
  /** The position just after the line's last message: a checkpoint there has taken this line. */
  end: LogPosition;
  /** Cut at the configured maximum length. */
  truncated: boolean;
};

const NEWLINE = 0x0a;
const SPACE = 0x20;
/** Room for the timestamp and its space before a TTY message's content. */
const TIMESTAMP_ROOM = 48;
const CR = 0x0d;

/** {@link LogLineAssembler.takeWhole}: the message is a whole line, taken; its text is at `textStart`. */
export const WHOLE_TAKEN = 0;
/** {@link LogLineAssembler.takeWhole}: the message was skipped (a checkpoint covers it, or it came out of order). */
export const WHOLE_SKIPPED = 1;
/** {@link LogLineAssembler.takeWhole}: not a plain whole line; nothing was done, give it to `pushMessage`. */
export const WHOLE_NOT_PLAIN = 2;

/**
 * Turns the log messages of one stream (each `TIMESTAMP SP content`, as the engine sends them with
 * `timestamps=true`) into whole lines: a message without a trailing newline (the engine splits lines over 16 KiB) is
 * joined with the next, lines past `maxLineBytes` are cut, CRLF (TTY) ends a line like LF, and messages a checkpoint
 * already covers are skipped.
 */
export class LogLineAssembler {
  private readonly cursor: StreamCursor;
  private parts: Buffer[] = [];
  private partBytes = 0;
  private partTs: bigint | undefined;
  private partEnd: LogPosition | undefined;
  private cut = false;
  private ttyTail: Buffer = Buffer.alloc(0);
  /** A TTY message longer than a line may be is being read: its rest is appended (`take`) or skipped (`skip`). */
  private ttyLong: 'no' | 'take' | 'skip' = 'no';
  private readonly time: LogTimeParts = { sec: 0, ns: 0 };
  /** Where the text of the line {@link takeWhole} took last begins (it ends before the message's newline). */
  textStart = 0;

  /** `onOutOfOrder`: a line stamped before the one taken last on this stream was skipped (see pushMessage). */
  constructor(
    resumeAt: LogPosition,
    private readonly maxLineBytes: number,
    private readonly onOutOfOrder: () => void = () => undefined,
  ) {
    this.cursor = new StreamCursor(resumeAt);
  }

  /** The cursor numbering this stream's messages. */
  get streamCursor(): StreamCursor {
    return this.cursor;
  }

  /** Whether part of a line is held waiting for its end. */
  get hasPartial(): boolean {
    return this.partTs !== undefined;
  }

  /** Time of the last message seen on this stream. */
  get lastMessageTs(): bigint {
    return this.cursor.lastTs;
  }

  /**
   * The common case of {@link pushMessage} without allocating: a framed message `buf[start, end)` that is a whole line
   * on its own (a UTC timestamp, no line held before it, a newline at its end, not over `maxLineBytes`, no CR) is
   * numbered and taken or skipped exactly as pushMessage would; its position is the cursor's. Anything else is left
   * for pushMessage (WHOLE_NOT_PLAIN).
   */
  takeWhole(buf: Buffer, start: number, end: number): number {
    if (this.partTs !== undefined || buf[end - 1] !== NEWLINE) return WHOLE_NOT_PLAIN;
    const space = parseLogTimestampAt(buf, start, end, this.time);
    if (space < 0) return WHOLE_NOT_PLAIN;
    const textStart = space + 1;
    const textEnd = end - 1;
    if (textEnd - textStart > this.maxLineBytes || (textEnd > textStart && buf[textEnd - 1] === CR))
      return WHOLE_NOT_PLAIN;
    const step = this.cursor.nextAt(this.time.sec, this.time.ns);
    if (step === CURSOR_OUT_OF_ORDER) {
      this.onOutOfOrder();
      return WHOLE_SKIPPED;
    }
    if (step === CURSOR_SKIP) return WHOLE_SKIPPED;
    this.textStart = textStart;
    return WHOLE_TAKEN;
  }

  /**
   * Takes one framed message (non-TTY: one frame is one message); one stamped before the last message this stream
   * numbered is skipped and reported to `onOutOfOrder`.
   */
  pushMessage(message: Buffer, out: AssembledLine[]): void {
    let ts: bigint | undefined;
    let content = message;
    const space = message.indexOf(SPACE);
    if (space > 0 && space <= 40) ts = parseLogTimestamp(message.toString('latin1', 0, space));
    if (ts === undefined) ts = this.cursor.lastTs;
    else content = message.subarray(space + 1);
    const { position, skip, outOfOrder } = this.cursor.next(ts);
    if (outOfOrder) {
      // Stamped before what this stream already took: dockerd 20.10 sends a rotated log's newest file again from its
      // start when the container exits; a resume would skip these too. Counted, never taken twice.
      if (message[message.length - 1] === NEWLINE) this.onOutOfOrder();
      return;
    }
    if (skip) {
      this.resetPartial();
      return;
    }
    const complete = content.length > 0 && content[content.length - 1] === NEWLINE;
    this.append(complete ? content.subarray(0, content.length - 1) : content, ts);
    if (complete) out.push(this.finish(position));
    else this.partEnd = position;
  }

  /** Ends a line left without its newline (the stream ended: the container's last output). */
  flushPartial(out: AssembledLine[]): void {
    if (this.ttyTail.length && this.ttyLong === 'no') this.pushMessage(this.ttyTail, out);
    this.ttyTail = Buffer.alloc(0);
    this.ttyLong = 'no';
    if (this.partEnd) out.push(this.finish(this.partEnd));
  }

  /** Forgets a line held for its end (its container's log is gone); returns 1 when there was one, else 0. */
  discardPartial(): number {
    const held = this.partEnd !== undefined || (this.ttyTail.length > 0 && this.ttyLong !== 'skip') ? 1 : 0;
    this.resetPartial();
    this.ttyTail = Buffer.alloc(0);
    this.ttyLong = 'no';
    return held;
  }

  /**
   * Takes a chunk of a TTY container's raw stream (messages one after another, no frames). A message without its
   * newline is held up to `maxLineBytes` (plus its timestamp); past that it becomes the line's start and the rest is
   * cut as it arrives, so a TTY writing no newline cannot make the agent buffer without end.
   */
  pushRaw(chunk: Buffer, out: AssembledLine[]): void {
    const buf = this.ttyTail.length ? Buffer.concat([this.ttyTail, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE, start); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
      this.takeTtyPiece(buf.subarray(start, nl + 1), true, out);
      start = nl + 1;
    }
    const rest = buf.subarray(start);
    if (this.ttyLong !== 'no' || rest.length > this.maxLineBytes + TIMESTAMP_ROOM) {
      this.takeTtyPiece(rest, false, out);
      this.ttyTail = Buffer.alloc(0);
    } else {
      this.ttyTail = rest.length ? Buffer.from(rest) : Buffer.alloc(0);
    }
  }

  private takeTtyPiece(piece: Buffer, ended: boolean, out: AssembledLine[]): void {
    if (this.ttyLong === 'no') {
      this.pushMessage(piece, out);
      if (!ended) this.ttyLong = this.partEnd ? 'take' : 'skip';
      return;
    }
    if (this.ttyLong === 'take') {
      this.append(ended ? piece.subarray(0, piece.length - 1) : piece, this.partTs ?? this.cursor.lastTs);
      if (ended && this.partEnd) out.push(this.finish(this.partEnd));
    }
    if (ended) this.ttyLong = 'no';
  }

  private append(content: Buffer, ts: bigint): void {
    if (this.partTs === undefined) this.partTs = ts;
    const room = this.maxLineBytes - this.partBytes;
    if (content.length > room) {
      this.cut = true;
      if (room > 0) {
        this.parts.push(content.subarray(0, room));
        this.partBytes += room;
      }
      return;
    }
    this.parts.push(content);
    this.partBytes += content.length;
  }

  private finish(end: LogPosition): AssembledLine {
    let text =
      this.parts.length === 1 ? (this.parts[0] as Buffer).toString('utf8') : Buffer.concat(this.parts).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const line = { text, ts: this.partTs ?? end.ts, end, truncated: this.cut };
    this.resetPartial();
    return line;
  }

  private resetPartial(): void {
    this.parts = [];
    this.partBytes = 0;
    this.partTs = undefined;
    this.partEnd = undefined;
    this.cut = false;
  }
}
