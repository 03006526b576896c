import { StringDecoder } from 'node:string_decoder';
import { LogFrameDecoder } from '../agent/logs/logFrameDecoder';
import { parseLogTimestamp } from '../agent/logs/logTimestamp';
import type { LogLine } from './agentClient';

/** Per stream, the engine's time of the last line split (before `grep`) and how many lines in a row carried it. */
export type SplitPosition = Partial<Record<LogLine['stream'], { time: string; count: number }>>;

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/** Longest part of a line held while waiting for its newline; past it the part is emitted as a line of its own. */
export const MAX_PARTIAL_LINE_CHARS = 64 * 1024;

/**
 * Splits a container's log stream into lines as chunks arrive: demultiplexed unless the container has a TTY, split on
 * newlines (a trailing `\r` dropped), each line's leading timestamp (from `timestamps=true`) moved to `time`, then
 * only those matching `grep`. A character split between chunks (a TTY stream is cut anywhere) is decoded whole. A
 * line without its newline is held, at most {@link MAX_PARTIAL_LINE_CHARS} per stream, so memory stays bounded
 * whatever the container prints.
 */
export class LogLineSplitter {
  private readonly decoder: LogFrameDecoder | undefined;
  private readonly partial: Record<LogLine['stream'], string> = { stdout: '', stderr: '' };
  private readonly text: Record<LogLine['stream'], StringDecoder> = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };

  private readonly last: SplitPosition = {};
  /**
   * Per stream, the lines up to this time and count are dropped (a read again from an earlier time brings them
   * again); cleared at the stream's first line after it. A stream's lines come in the order of their times.
   */
  private readonly skip: Partial<Record<LogLine['stream'], { ns: bigint; count: number }>> = {};

  /** `after`: drop each stream's lines up to that position, as a read from an earlier time brings them again. */
  constructor(
    tty: boolean,
    private readonly grep?: RegExp,
    after: SplitPosition = {},
  ) {
    this.decoder = tty ? undefined : new LogFrameDecoder();
    for (const stream of ['stdout', 'stderr'] as const) {
      const mark = after[stream];
      const ns = mark && parseLogTimestamp(mark.time);
      if (mark && ns !== undefined) this.skip[stream] = { ns, count: mark.count };
    }
  }

  /** Where each stream's lines split so far end: its last line's time and how many lines carried it. */
  get position(): SplitPosition {
    const { stdout, stderr } = this.last;
    return { ...(stdout && { stdout: { ...stdout } }), ...(stderr && { stderr: { ...stderr } }) };
  }

  /** The whole lines completed by `chunk`. */
  push(chunk: Buffer): LogLine[] {
    const frames = this.decoder ? this.decoder.push(chunk) : [{ stream: 'stdout' as const, data: chunk }];
    const lines: LogLine[] = [];
    for (const frame of frames) {
      const parts = (this.partial[frame.stream] + this.text[frame.stream].write(frame.data)).split('\n');
      let rest = parts.pop() ?? '';
      for (const part of parts) this.emit(frame.stream, part, lines);
      while (rest.length > MAX_PARTIAL_LINE_CHARS) {
        this.emit(frame.stream, rest.slice(0, MAX_PARTIAL_LINE_CHARS), lines);
        rest = rest.slice(MAX_PARTIAL_LINE_CHARS);
      }
      this.partial[frame.stream] = rest;
    }
    return lines;
  }

  /** The lines still held without their newline (the stream ended). */
  end(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.text[stream].end();
      if (rest) this.emit(stream, rest, lines);
      this.partial[stream] = '';
    }
    return lines;
  }

  private emit(stream: LogLine['stream'], raw: string, out: LogLine[]): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const stamp = TIMESTAMP.exec(text);
    const line: LogLine = stamp ? { stream, time: stamp[1], text: text.slice(stamp[0].length) } : { stream, text };
    if (line.time !== undefined && this.skipped(stream, line.time)) return;
    if (!this.grep || this.grep.test(line.text)) out.push(line);
  }

  /** Notes the line's time in its stream's position; true when it is one of the lines to drop. */
  private skipped(stream: LogLine['stream'], time: string): boolean {
    const last = this.last[stream];
    if (last?.time === time) last.count++;
    else this.last[stream] = { time, count: 1 };
    const skip = this.skip[stream];
    if (!skip) return false;
    const ns = parseLogTimestamp(time);
    if (ns !== undefined && (ns < skip.ns || (ns === skip.ns && skip.count-- > 0))) return true;
    delete this.skip[stream];
    return false;
  }
}
