import type { AssembledLine } from './logLineAssembler';
import type { LogPosition } from './logPosition';

/** How lines join into events: a line matching `start` begins one, other lines continue it. */
export type MultilineOptions = { start: RegExp; maxLines: number; timeoutMs: number };

/** One log event: a line, or a start line with its continuation lines (a stack trace). */
export type JoinedEvent = {
  text: string;
  lines: number;
  /** Time of the first line (ns). */
  ts: bigint;
  /** Position after the last line. */
  end: LogPosition;
  truncated: boolean;
};

/**
 * Joins the lines of one stream into events. Without options every line is an event at once; with them an event is
 * held until the next start line, `maxLines`, or `timeoutMs` after its last line (see {@link flushDue}).
 */
export class MultilineJoiner {
  private pending: AssembledLine[] = [];
  private lastLineAt = 0;

  constructor(private readonly opts: MultilineOptions | undefined) {}

  /** Whether lines are held back waiting for the rest of their event. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Takes one line at time `now` (ms); pushes finished events to `out`. */
  push(line: AssembledLine, now: number, out: JoinedEvent[]): void {
    if (!this.opts) {
      out.push({ text: line.text, lines: 1, ts: line.ts, end: line.end, truncated: line.truncated });
      return;
    }
    if (this.opts.start.test(line.text)) {
      this.flush(out);
      this.pending.push(line);
    } else if (this.pending.length) {
      this.pending.push(line);
    } else {
      out.push({ text: line.text, lines: 1, ts: line.ts, end: line.end, truncated: line.truncated });
      return;
    }
    this.lastLineAt = now;
    if (this.pending.length >= this.opts.maxLines) this.flush(out);
  }

  /** Emits the held event when its last line is `timeoutMs` old. */
  flushDue(now: number, out: JoinedEvent[]): void {
    if (this.opts && this.pending.length && now - this.lastLineAt >= this.opts.timeoutMs) this.flush(out);
  }

  /** Forgets the held lines (their container's log is gone); returns how many there were. */
  discard(): number {
    const held = this.pending.length;
    this.pending = [];
    return held;
  }

  /** Emits the held event, if any. */
  flush(out: JoinedEvent[]): void {
    const lines = this.pending;
    if (!lines.length) return;
    this.pending = [];
    const first = lines[0] as AssembledLine;
    const last = lines[lines.length - 1] as AssembledLine;
    out.push({
      text: lines.map((l) => l.text).join('\n'),
      lines: lines.length,
      ts: first.ts,
      end: last.end,
      truncated: lines.some((l) => l.truncated),
    });
  }
}
