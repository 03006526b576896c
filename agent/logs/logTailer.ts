import { Backoff } from '../../shared/backoff';
import type { ContainerRecord } from '../inventory/containerRecord';
import type { Inventory } from '../inventory/inventory';
import type { Logger } from '../../shared/logger';
import { ContainerLogTail, type LogLineFilter, type OpenLogStream, type TailTarget } from './containerLogTail';
import type { LogStreamName } from './logFrameDecoder';
import type { LogCheckpointStore } from './logCheckpointStore';
import { LogDropCounts, type LogDropReason } from './logDropCounts';
import type { LogEntry } from './logEntry';
import { checkpointAt, type LogCheckpoint } from './logPosition';
import { msToNs } from './logTimestamp';
import type { MultilineOptions } from './multilineJoiner';

/** Options of {@link LogTailer}. */
export type LogTailerOptions = {
  inventory: Inventory;
  checkpoints: LogCheckpointStore;
  /** Whether a container's logs are followed (the `containers` and `logs` selectors). */
  selected: (record: ContainerRecord) => boolean;
  /** The engine's log stream opener while the engine is up, else undefined. */
  opener: () => OpenLogStream | undefined;
  maxLineBytes: number;
  multiline?: MultilineOptions;
  onEntry: (entry: LogEntry) => void;
  /** Which lines of a container's stream some consumer may want; without it every line goes to `onEntry`. */
  lineFilter?: (target: TailTarget, stream: LogStreamName) => LogLineFilter;
  /** Lines the filter turned down (taken and checkpointed, never made into entries), in batches. */
  onPassed?: (target: TailTarget, stream: LogStreamName, lines: number) => void;
  logger: Logger;
  now?: () => number;
};

/** One followed container; `gone` once the engine said it is dead or being removed (its log cannot be read again). */
type Follow = {
  tail: ContainerLogTail;
  looping: boolean;
  drained: boolean;
  /** The run (`startedAt`) the inventory showed when the stream was drained: a later run has lines to read. */
  drainedRun?: number;
  backoff: Backoff;
  removed: boolean;
  gone: boolean;
};

const LIVE_STATES = new Set(['running', 'restarting', 'paused']);

/**
 * Follows the logs of every selected container: from the moment it starts, across its restarts, through engine
 * outages and agent restarts (from the stored checkpoints, including the last lines of containers that exited while
 * the agent was down). Checkpoints are handed out by {@link takeCheckpoints} for the caller to store in the same
 * transaction as what the lines led to.
 */
export class LogTailer {
  private readonly follows = new Map<string, Follow>();
  private readonly drops = new LogDropCounts();
  private stored = new Map<string, LogCheckpoint>();
  private firstTailedAt = 0n;
  private readonly removedIds: string[] = [];
  private reconcileQueued = false;
  private started = false;
  private swept = false;
  private stopped = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private changed: (() => void) | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: LogTailerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Loads the checkpoints and starts following changes of the inventory; call {@link reconcile} once it is synced. */
  start(): void {
    this.stored = this.opts.checkpoints.loadAll();
    this.firstTailedAt = this.opts.checkpoints.firstTailedAt(msToNs(this.now()));
    this.opts.inventory.onChange((change) => {
      if (change.kind === 'remove') this.onRemoved(change.record.id);
      this.queueReconcile();
    });
  }

  /** Calls `changed` whenever a checkpoint may come to move: a container is followed, or one is removed. */
  watch(changed: () => void): void {
    this.changed = changed;
  }

  /** Whether no checkpoint can move: no container is followed and no removal waits to be taken. */
  get quiet(): boolean {
    return this.follows.size === 0 && this.removedIds.length === 0;
  }

  /**
   * Opens a tail for every selected container that has lines to read; the first call (made once the inventory is
   * synced) forgets checkpoints of containers that vanished meanwhile. Changes of the inventory while it fills only
   * open tails: a container not inspected yet is not a vanished one.
   */
  reconcile(): void {
    if (this.stopped || !this.opts.opener()) return;
    this.openTails();
    if (!this.swept) {
      this.swept = true;
      for (const id of this.stored.keys()) if (!this.opts.inventory.get(id)) this.removedIds.push(id);
      if (this.removedIds.length) this.changed?.();
    }
  }

  private openTails(): void {
    for (const record of this.opts.inventory.all()) {
      if (!this.opts.selected(record)) continue;
      let follow = this.follows.get(record.id);
      if (follow?.gone) continue;
      const live = LIVE_STATES.has(record.state);
      if (!follow) {
        if (!live && !this.hasUnread(record)) continue;
        follow = this.makeFollow(record);
      } else if (live || (follow.drained && record.startedAt !== follow.drainedRun)) {
        // Running again, or it ran and stopped since the stream was drained (a container that lives a millisecond
        // is seen created, then exited): its new lines are read from the checkpoint.
        follow.drained = false;
      }
      if (!follow.looping && !follow.drained) void this.loop(record.id, follow);
    }
    this.started = true;
  }

  /** Checkpoints that moved since the last call, and IDs of removed containers whose checkpoints can go. */
  takeCheckpoints(): { save: { id: string; name: string; checkpoint: LogCheckpoint }[]; remove: string[] } {
    const save = [];
    for (const [id, f] of this.follows) {
      if (f.removed) continue;
      const checkpoint = f.tail.takeCheckpoint();
      if (checkpoint) save.push({ id, name: f.tail.target.name, checkpoint });
    }
    return { save, remove: this.removedIds.splice(0) };
  }

  /** Lines read per container and stream since the agent started. */
  lineCounts(): { container: string; stream: 'stdout' | 'stderr'; lines: number }[] {
    const out = [];
    for (const f of this.follows.values()) {
      out.push({ container: f.tail.target.name, stream: 'stdout' as const, lines: f.tail.linesRead.stdout });
      out.push({ container: f.tail.target.name, stream: 'stderr' as const, lines: f.tail.linesRead.stderr });
    }
    return out;
  }

  /** Lines cut at `logs.maxLineBytes` per followed container since the agent started (handed over cut). */
  truncatedCounts(): { container: string; lines: number }[] {
    return [...this.follows.values()].map((f) => ({ container: f.tail.target.name, lines: f.tail.linesTruncated }));
  }

  /** Lines that were never handed over, per container name and reason, since the agent started. */
  droppedCounts(): { container: string; reason: LogDropReason; lines: number }[] {
    return this.drops.list();
  }

  /** Number of containers whose log stream is open. */
  get openStreams(): number {
    let n = 0;
    for (const f of this.follows.values()) if (f.tail.open) n++;
    return n;
  }

  /** Closes every stream; what was not handed over stays behind the checkpoints. */
  stop(): void {
    this.stopped = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const f of this.follows.values()) f.tail.close();
  }

  /** Ticks the tails (multi-line timeouts) every 100 ms while any container is followed, and only then. */
  private armTicks(): void {
    if (this.tickTimer || this.stopped) return;
    this.tickTimer = setInterval(() => {
      if (this.follows.size === 0) {
        clearInterval(this.tickTimer);
        this.tickTimer = undefined;
      }
      for (const f of this.follows.values()) f.tail.tick();
    }, 100);
    this.tickTimer.unref();
  }

  private queueReconcile(): void {
    if (this.reconcileQueued) return;
    this.reconcileQueued = true;
    setImmediate(() => {
      this.reconcileQueued = false;
      if (!this.stopped && this.opts.opener()) this.openTails();
    });
  }

  /** A stopped container with lines the agent has not read: a checkpoint, or created since tailing began. */
  private hasUnread(record: ContainerRecord): boolean {
    return this.stored.has(record.id) || msToNs(record.createdAt * 1000) >= this.firstTailedAt;
  }

  private makeFollow(record: ContainerRecord): Follow {
    const checkpoint = this.stored.get(record.id) ?? checkpointAt(this.initialPosition(record));
    const target = { id: record.id, name: record.name, labels: record.labels, tty: record.tty };
    const { lineFilter, onPassed } = this.opts;
    const tail = new ContainerLogTail(target, checkpoint, {
      open: (id, since) => {
        const open = this.opts.opener();
        if (!open) return Promise.reject(new Error('engine unreachable'));
        return open(id, since);
      },
      maxLineBytes: this.opts.maxLineBytes,
      multiline: this.opts.multiline,
      onEntry: this.opts.onEntry,
      onDrop: (reason) => this.drops.add(record.name, reason),
      lineFilter: lineFilter && ((stream) => lineFilter(target, stream)),
      onPassed: (stream, lines) => onPassed?.(target, stream, lines),
      now: this.now,
    });
    const backoff = new Backoff(500, 30_000);
    const follow = { tail, looping: false, drained: false, backoff, removed: false, gone: false };
    this.follows.set(record.id, follow);
    this.armTicks();
    this.changed?.();
    return follow;
  }

  /**
   * Where a container without a checkpoint starts: at its first line when it was created after this store began
   * tailing; else at its current run's start if that came later; else now (history from before dockwatch is skipped).
   */
  private initialPosition(record: ContainerRecord): bigint {
    if (msToNs(record.createdAt * 1000) >= this.firstTailedAt) return 0n;
    const started = record.startedAt !== undefined ? msToNs(record.startedAt * 1000) : 0n;
    if (started > this.firstTailedAt) return started;
    return this.started ? this.firstTailedAt : msToNs(this.now());
  }

  private async loop(id: string, follow: Follow): Promise<void> {
    follow.looping = true;
    /** A stream ended, and what it held back waits for the read after it (which brings it again) or the container's end. */
    let endedHolding = false;
    try {
      while (!this.stopped && !follow.removed) {
        const runStarted = this.now();
        const atOpen = runOf(this.opts.inventory.get(id));
        const result = await follow.tail.run();
        if (result.outcome === 'closed') return;
        if (result.outcome === 'ended') {
          follow.backoff.reset();
          const record = this.opts.inventory.get(id);
          if (!record || follow.removed || !LIVE_STATES.has(record.state)) {
            // A follow open while the container stopped can end before the engine sent the whole log (dockerd 20.10's
            // json-file reader stops at its last EOF once the container is gone): unless the stream was opened on
            // this very run already stopped, read once more from the checkpoint. The engine reads a stopped
            // container's log to its end without following.
            endedHolding = record !== undefined && !follow.removed && !readToEnd(atOpen, record);
            if (endedHolding) continue;
            follow.tail.flushHeld();
            follow.drained = true;
            follow.drainedRun = record?.startedAt;
            return;
          }
          // Live: a later run than the one the stream was opened on ended what that one held back; else the stop is
          // not seen yet, and the next run reads on from the checkpoint, held lines included.
          endedHolding = atOpen?.startedAt === undefined || record.startedAt === atOpen.startedAt;
          if (!endedHolding) follow.tail.flushHeld();
          if (this.now() - runStarted < 500) await delay(500);
          continue;
        }
        if (!this.opts.opener() || !this.opts.inventory.get(id)) return;
        if (isGone(result.error)) {
          follow.gone = true;
          this.opts.logger.debug('log stream closed: the container is gone or being removed', {
            container: follow.tail.target.name,
            error: result.error.message,
          });
          return;
        }
        const wait = follow.backoff.next();
        this.opts.logger.warn('log stream failed, retrying', {
          container: follow.tail.target.name,
          error: result.error.message,
          retryInMs: wait,
        });
        await delay(wait);
      }
    } finally {
      follow.looping = false;
      if (follow.removed || follow.gone) {
        // Its log cannot be read again: what the stream that ended held back (a last line without its newline) is
        // all there is of it.
        if (endedHolding) follow.tail.flushHeld();
        this.drops.add(follow.tail.target.name, 'removed', follow.tail.discardHeld());
      }
      if (follow.removed) this.follows.delete(id);
    }
  }

  private onRemoved(id: string): void {
    const follow = this.follows.get(id);
    this.stored.delete(id);
    this.removedIds.push(id);
    this.changed?.();
    if (!follow) return;
    follow.removed = true;
    if (!follow.looping) this.follows.delete(id);
  }
}

/** What the inventory showed of a container's run when its stream was opened. */
type RunAtOpen = { state: string; startedAt: number | undefined } | undefined;

function runOf(record: ContainerRecord | undefined): RunAtOpen {
  return record && { state: record.state, startedAt: record.startedAt };
}

/**
 * Whether a stream that ended read the container's whole log: it was opened when the inventory already showed the
 * container stopped, in the run it shows now, so the engine read it to its end without following.
 */
function readToEnd(atOpen: RunAtOpen, now: ContainerRecord): boolean {
  return atOpen !== undefined && !LIVE_STATES.has(atOpen.state) && atOpen.startedAt === now.startedAt;
}

/**
 * The engine's answer for a container whose log can never be read again: 409 "can not get logs from container
 * which is dead or marked for removal", or 404 when it is already gone. Expected around every `docker rm`.
 */
function isGone(err: Error): boolean {
  const status = (err as { statusCode?: unknown }).statusCode;
  return status === 404 || status === 409;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
