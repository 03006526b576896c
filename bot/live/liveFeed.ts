import type { LogLine } from '../agentClient';
import { shownDuration } from '../core/commandParser';
import type { LiveBatch, Reply, ReplyButton, ReplyLive } from '../core/reply';
import { cutLine, fitNewest } from './liveLines';

/** Why a live tail stopped. */
export type LiveEndReason =
  | { kind: 'ended' }
  | { kind: 'duration' }
  | { kind: 'stopped'; by: string }
  | { kind: 'failed'; error: string }
  | { kind: 'abandoned'; why: string }
  | { kind: 'revoked' }
  | { kind: 'closed' };

/** What a live feed follows and for how long. */
export type LiveFeedOptions = {
  /** The reply's title while it runs and at the end (`Logs of web`). */
  title: string;
  /** What it follows, in sentences (`web`, or `web on host-a`). */
  what: string;
  durationMs: number;
  /** Opens the stream; aborting the signal must end the iteration. */
  open: (signal: AbortSignal) => AsyncIterable<LogLine>;
  /** Most lines waiting for the adapter; past it the oldest are dropped and counted as skipped. */
  capacity?: number;
  now?: () => number;
};

/** Lines kept waiting for a slow chat by default (bounded memory: each line is cut to 500 characters). */
export const LIVE_BUFFER_LINES = 1000;

/**
 * A live tail between an AgentClient's followed lines and an adapter: it reads the stream as fast as it comes into a
 * bounded buffer (the oldest lines dropped and counted when the adapter is slower), stops when the stream ends, its
 * duration runs out or `stop` is called (a Stop press, a shutdown), and tells the adapter what to show.
 */
export class LiveFeed implements ReplyLive {
  stopButton?: ReplyButton;
  /** Resolves with why it stopped once the stream is closed (lines may still wait to be taken). */
  readonly done: Promise<LiveEndReason>;
  private readonly controller = new AbortController();
  private readonly now: () => number;
  private readonly capacity: number;
  private pending: string[] = [];
  private droppedSinceTake = 0;
  private counts = { received: 0, shown: 0, skipped: 0 };
  private reason: LiveEndReason | undefined;
  private closed = false;
  private started = false;
  private startedAt = 0;
  private endedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private resolveDone: (reason: LiveEndReason) => void = () => undefined;

  constructor(private readonly options: LiveFeedOptions) {
    this.now = options.now ?? Date.now;
    this.capacity = options.capacity ?? LIVE_BUFFER_LINES;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Opens the stream and starts the duration; once only. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.startedAt = this.now();
    this.timer = setTimeout(() => this.stop({ kind: 'duration' }), this.options.durationMs);
    void this.pump();
  }

  /** Stops following (the first reason given is the one shown); the stream is closed. */
  stop(reason: LiveEndReason): void {
    this.reason ??= reason;
    this.controller.abort(new Error('the live tail was stopped'));
    if (!this.started) this.finish();
  }

  abandon(why: string): void {
    this.stop({ kind: 'abandoned', why });
  }

  /** Lines read from the stream so far. */
  get received(): number {
    return this.counts.received;
  }

  ready(): Promise<void> {
    if (this.pending.length > 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  take(budget: number, cost: (line: string) => number): LiveBatch {
    const fit = fitNewest(this.pending, budget, cost);
    const skipped = this.droppedSinceTake + fit.dropped;
    this.pending = [];
    this.droppedSinceTake = 0;
    this.counts.shown += fit.lines.length;
    this.counts.skipped += skipped;
    return { lines: fit.lines, skipped };
  }

  get finished(): boolean {
    return this.closed && this.pending.length === 0;
  }

  summary(): Reply {
    const reason = this.reason ?? { kind: 'ended' };
    const after = Math.round(Math.max(0, this.endedAt - this.startedAt) / 1000) * 1000;
    const { shown, skipped } = this.counts;
    const lines = `${shown} line${shown === 1 ? '' : 's'} shown${skipped ? `, ${skipped} skipped` : ''}`;
    return {
      status: reason.kind === 'failed' || reason.kind === 'abandoned' ? 'failed' : 'ok',
      title: this.options.title,
      text: `Stopped following ${this.options.what} after ${shownDuration(after)}: ${this.why(reason)}. ${lines}.`,
    };
  }

  private why(reason: LiveEndReason): string {
    switch (reason.kind) {
      case 'ended':
        return 'the container stopped (its log stream ended)';
      case 'duration':
        return `its duration of ${shownDuration(this.options.durationMs)} ran out`;
      case 'stopped':
        return `stopped by ${reason.by}`;
      case 'failed':
        return `the log stream failed (${reason.error})`;
      case 'abandoned':
        return reason.why;
      case 'closed':
        return 'the bot is shutting down';
      case 'revoked':
        return 'the roles changed and you may no longer run it';
    }
  }

  private async pump(): Promise<void> {
    const { signal } = this.controller;
    try {
      for await (const line of this.options.open(signal)) {
        this.push(cutLine(line.text));
        if (signal.aborted) break;
      }
      this.reason ??= { kind: 'ended' };
    } catch (err) {
      this.reason ??= { kind: 'failed', error: err instanceof Error ? err.message : String(err) };
    } finally {
      this.finish();
    }
  }

  private push(text: string): void {
    this.counts.received += 1;
    this.pending.push(text);
    if (this.pending.length > this.capacity) {
      const over = this.pending.length - this.capacity;
      this.pending.splice(0, over);
      this.droppedSinceTake += over;
    }
    this.notify();
  }

  private finish(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.closed = true;
    this.endedAt = this.started ? this.now() : this.startedAt;
    this.resolveDone(this.reason ?? { kind: 'ended' });
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
