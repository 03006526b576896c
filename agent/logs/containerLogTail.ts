import { LogFrameDecoder, type LogStreamName } from './logFrameDecoder';
import type { LogDropReason } from './logDropCounts';
import type { LogEntry } from './logEntry';
import { LogLineAssembler, WHOLE_SKIPPED, WHOLE_TAKEN, type AssembledLine } from './logLineAssembler';
import { isBefore, positionAt, resumeFrom, type LogCheckpoint, type LogPosition } from './logPosition';
import { formatSince, nsToMs, STREAM_RACE_NS } from './logTimestamp';
import { MultilineJoiner, type JoinedEvent, type MultilineOptions } from './multilineJoiner';
import { LiteralHits } from './literalHits';

/** The container a tail follows. */
export type TailTarget = { id: string; name: string; labels: Record<string, string>; tty: boolean };

/** Opens the engine's log stream of a container from `since` (`seconds.nanoseconds`), following it. */
export type OpenLogStream = (id: string, since: string) => Promise<NodeJS.ReadableStream & { destroy(): void }>;

/**
 * How a tail's run ended: `ended` when the engine closed the stream (the container stopped; what it held back for
 * an end is handed over by {@link ContainerLogTail.flushHeld} or read again by the next run), else `failed`.
 */
export type TailRunResult = { outcome: 'ended' } | { outcome: 'failed'; error: Error } | { outcome: 'closed' };

/**
 * Which lines of a stream some consumer may want: `false` for none, else a test of a line's text. Lines it turns down
 * are counted ({@link ContainerLogTailOptions.onPassed}) and checkpointed like entries but never made into one.
 */
export type LogLineFilter = (((text: string) => boolean) & { literals?: readonly string[] }) | false;

/** Options of {@link ContainerLogTail}. */
export type ContainerLogTailOptions = {
  open: OpenLogStream;
  maxLineBytes: number;
  multiline?: MultilineOptions;
  onEntry: (entry: LogEntry) => void;
  /** A line that will not be handed over, and why. */
  onDrop?: (reason: LogDropReason) => void;
  /** Asked once per stream when the tail (re)opens; without it every line is handed to `onEntry`. */
  lineFilter?: (stream: LogStreamName) => LogLineFilter;
  /** Lines the filter turned down, counted per stream in batches (before any later entry of the stream). */
  onPassed?: (stream: LogStreamName, lines: number) => void;
  now: () => number;
};

/** Lines the filter turned down and not yet reported, and the position after the last of them. */
type Passed = { lines: number; sec: number; ns: number; n: number };

type StreamState = {
  assembler: LogLineAssembler;
  joiner: MultilineJoiner;
  filter: LogLineFilter | undefined;
  /** Where the filter's literals lie in the frames' buffer: a whole line with none of them is passed undecoded. */
  hits: LiteralHits | undefined;
  passed: Passed;
};

/**
 * Follows one container's log from its checkpoint: decodes frames, assembles lines, joins multi-line events, skips
 * what the checkpoint already covers and hands every new event to `onEntry` exactly once. The checkpoint only moves
 * past events that were handed over, so a restart resumes exactly after the last of them.
 */
export class ContainerLogTail {
  private committed: LogCheckpoint;
  private streams: Record<LogStreamName, StreamState> | undefined;
  private handle: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
  private closed = false;
  private changed = false;
  /** Lines read since the tail was made, per stream. */
  readonly linesRead: Record<LogStreamName, number> = { stdout: 0, stderr: 0 };
  /** Of those, lines cut at `maxLineBytes` (handed over cut, with `truncated`). */
  linesTruncated = 0;

  constructor(
    readonly target: TailTarget,
    checkpoint: LogCheckpoint,
    private readonly opts: ContainerLogTailOptions,
  ) {
    this.committed = { stdout: { ...checkpoint.stdout }, stderr: { ...checkpoint.stderr } };
  }

  /** Whether the stream is open now. */
  get open(): boolean {
    return this.handle !== undefined;
  }

  /** Opens the stream from the checkpoint and reads it until it ends, fails or is closed. */
  async run(): Promise<TailRunResult> {
    if (this.closed) return { outcome: 'closed' };
    const from = { stdout: this.committed.stdout, stderr: this.committed.stderr };
    let stream: NodeJS.ReadableStream & { destroy(): void };
    try {
      stream = await this.opts.open(this.target.id, formatSince(resumeFrom(from)));
    } catch (err) {
      return { outcome: 'failed', error: err as Error };
    }
    if (this.closed) {
      stream.destroy();
      return { outcome: 'closed' };
    }
    // What the last run held back stays until a stream is open: flushHeld can still hand it over if none will be.
    this.streams = {
      stdout: this.streamState('stdout', from.stdout),
      stderr: this.streamState('stderr', from.stderr),
    };
    this.handle = stream;
    const decoder = new LogFrameDecoder();
    const takeFrame = this.opts.multiline ? this.takeFrameJoined : this.takeFrame;
    return new Promise<TailRunResult>((resolve) => {
      let done = false;
      const finish = (result: TailRunResult) => {
        if (done) return;
        done = true;
        this.handle = undefined;
        resolve(this.closed ? { outcome: 'closed' } : result);
      };
      // Every chunk is taken whole before the next is read: the rules run inside this handler, so while they are
      // busy the socket is not read and the engine's writes wait (backpressure, nothing buffered here).
      stream.on('data', (chunk: Buffer) => {
        if (this.closed) return;
        try {
          if (this.target.tty) this.takeRaw(chunk);
          else {
            decoder.each(chunk, takeFrame);
            this.reportPassed('stdout');
            this.reportPassed('stderr');
          }
        } catch (error) {
          stream.destroy();
          finish({ outcome: 'failed', error: error as Error });
        }
      });
      stream.on('end', () => finish({ outcome: 'ended' }));
      stream.on('error', (error: Error) => finish({ outcome: 'failed', error }));
      stream.on('close', () => finish({ outcome: 'failed', error: new Error('log stream closed before its end') }));
    });
  }

  /**
   * Hands over what the ended run held back for its end (a last line without its newline, a multi-line event), once
   * its stream is known to have brought the whole log; a run that follows instead reads it again from the checkpoint.
   */
  flushHeld(): void {
    if (!this.closed) this.flushAll();
  }

  /** Emits multi-line events whose timeout has passed. */
  tick(): void {
    if (!this.streams) return;
    const now = this.opts.now();
    for (const name of ['stdout', 'stderr'] as const) {
      const out: JoinedEvent[] = [];
      this.streams[name].joiner.flushDue(now, out);
      this.emit(name, out);
    }
  }

  /** The checkpoint to store now, or undefined when it has not moved since the last call. */
  takeCheckpoint(): LogCheckpoint | undefined {
    this.advanceIdleStreams();
    if (!this.changed) return undefined;
    this.changed = false;
    return { stdout: { ...this.committed.stdout }, stderr: { ...this.committed.stderr } };
  }

  /** The current checkpoint. */
  get checkpoint(): LogCheckpoint {
    return this.committed;
  }

  /**
   * Lines held for their end (a line without its newline, a multi-line event's lines) that will never be handed
   * over, once the container's log cannot be read again; forgets them and says how many there were.
   */
  discardHeld(): number {
    if (!this.streams) return 0;
    let held = 0;
    for (const { assembler, joiner } of Object.values(this.streams))
      held += assembler.discardPartial() + joiner.discard();
    return held;
  }

  /** Stops following; events not yet handed over stay behind the checkpoint for the next run. */
  close(): void {
    this.closed = true;
    this.handle?.destroy();
    this.handle = undefined;
  }

  private streamState(name: LogStreamName, at: LogPosition): StreamState {
    const filter = this.opts.lineFilter?.(name);
    return {
      assembler: new LogLineAssembler(at, this.opts.maxLineBytes, () => this.opts.onDrop?.('out_of_order')),
      joiner: new MultilineJoiner(this.opts.multiline),
      filter,
      hits: filter && filter.literals ? new LiteralHits(filter.literals) : undefined,
      passed: { lines: 0, sec: 0, ns: 0, n: 0 },
    };
  }

  /** A frame, with multi-line joining: every line goes through the joiner. */
  private readonly takeFrameJoined = (type: number, buf: Buffer, start: number, end: number): void => {
    this.takeMessage(type === 2 ? 'stderr' : 'stdout', buf.subarray(start, end));
  };

  /**
   * A frame, without joining: a whole line becomes an entry at once (or is passed over when the filter turns it down)
   * without the assembler's line objects; anything else goes the general way.
   */
  private readonly takeFrame = (type: number, buf: Buffer, start: number, end: number): void => {
    const name: LogStreamName = type === 2 ? 'stderr' : 'stdout';
    const state = (this.streams as Record<LogStreamName, StreamState>)[name];
    const a = state.assembler;
    const taken = a.takeWhole(buf, start, end);
    if (taken === WHOLE_SKIPPED) return;
    if (taken !== WHOLE_TAKEN) {
      this.reportPassed(name);
      this.takeMessage(name, buf.subarray(start, end));
      return;
    }
    const filter = state.filter;
    if (filter === false || (state.hits !== undefined && !state.hits.within(buf, a.textStart, end - 1))) {
      this.pass(state, a);
      return;
    }
    const text = buf.toString('utf8', a.textStart, end - 1);
    if (filter !== undefined && !filter(text)) {
      this.pass(state, a);
      return;
    }
    this.reportPassed(name);
    this.linesRead[name]++;
    const at = a.streamCursor.position();
    this.emitEntry(name, text, 1, at.ts, at, false);
  };

  private pass(state: StreamState, a: LogLineAssembler): void {
    state.passed.lines++;
    a.streamCursor.lastAt(state.passed);
  }

  /** Reports the lines passed over on a stream and moves its checkpoint past them. */
  private reportPassed(name: LogStreamName): void {
    const passed = (this.streams as Record<LogStreamName, StreamState>)[name].passed;
    if (passed.lines === 0) return;
    const lines = passed.lines;
    passed.lines = 0;
    this.linesRead[name] += lines;
    this.opts.onPassed?.(name, lines);
    const end = positionAt(passed.sec, passed.ns, passed.n);
    if (isBefore(this.committed[name], end)) {
      this.committed[name] = end;
      this.changed = true;
    }
  }

  private takeMessage(name: LogStreamName, data: Buffer): void {
    const state = (this.streams as Record<LogStreamName, StreamState>)[name];
    const lines: AssembledLine[] = [];
    state.assembler.pushMessage(data, lines);
    this.joinAndEmit(name, state, lines);
  }

  private takeRaw(chunk: Buffer): void {
    const state = (this.streams as Record<LogStreamName, StreamState>).stdout;
    const lines: AssembledLine[] = [];
    state.assembler.pushRaw(chunk, lines);
    this.joinAndEmit('stdout', state, lines);
  }

  private joinAndEmit(name: LogStreamName, state: StreamState, lines: AssembledLine[]): void {
    if (!lines.length) return;
    this.count(name, lines);
    const now = this.opts.now();
    const out: JoinedEvent[] = [];
    for (const line of lines) state.joiner.push(line, now, out);
    this.emit(name, out);
  }

  private flushAll(): void {
    if (!this.streams) return;
    for (const name of ['stdout', 'stderr'] as const) {
      const state = this.streams[name];
      const lines: AssembledLine[] = [];
      state.assembler.flushPartial(lines);
      this.count(name, lines);
      const out: JoinedEvent[] = [];
      for (const line of lines) state.joiner.push(line, this.opts.now(), out);
      state.joiner.flush(out);
      this.emit(name, out);
    }
  }

  private count(name: LogStreamName, lines: AssembledLine[]): void {
    this.linesRead[name] += lines.length;
    for (const line of lines) if (line.truncated) this.linesTruncated++;
  }

  private emit(name: LogStreamName, events: JoinedEvent[]): void {
    for (const e of events) this.emitEntry(name, e.text, e.lines, e.ts, e.end, e.truncated);
  }

  private emitEntry(
    name: LogStreamName,
    text: string,
    lines: number,
    ts: bigint,
    end: LogPosition,
    truncated: boolean,
  ): void {
    const { id, name: container, labels } = this.target;
    this.opts.onEntry({
      containerId: id,
      container,
      labels,
      stream: name,
      ts,
      timeMs: nsToMs(ts),
      text,
      lines,
      truncated,
    });
    if (isBefore(this.committed[name], end)) {
      this.committed[name] = end;
      this.changed = true;
    }
  }

  /**
   * A stream with nothing held back has seen everything the engine wrote before the other stream's latest message,
   * give or take the race between the engine's two copiers: move it up to STREAM_RACE_NS behind that.
   */
  private advanceIdleStreams(): void {
    if (!this.streams) return;
    const latest = [this.streams.stdout, this.streams.stderr].reduce(
      (max, s) => (s.assembler.lastMessageTs > max ? s.assembler.lastMessageTs : max),
      0n,
    );
    const to = latest - STREAM_RACE_NS;
    for (const name of ['stdout', 'stderr'] as const) {
      const s = this.streams[name];
      if (s.assembler.hasPartial || s.joiner.hasPending) continue;
      if (to > this.committed[name].ts) {
        this.committed[name] = { ts: to, n: s.assembler.streamCursor.countAt(to) };
        this.changed = true;
      }
    }
  }
}
