import type { Logger } from '../../shared/logger';
import type { Store } from './database';
import { guardedWrite } from './storeHealth';

/** A part whose progress is stored atomically with the others' (log checkpoints, alert state, outbox). */
export interface CommitParticipant {
  /** Writes what changed since the last call; runs inside the shared transaction, so it must not do I/O itself. */
  commit(now: number): void;
  /** Called after the transaction committed: what was written may now be forgotten. */
  committed?(): void;
  /** Called after the transaction failed (disk full, I/O error): what was to be written stays in memory for the next. */
  uncommitted?(): void;
  /** Called once at start: the participant calls `changed` whenever it comes to hold something to write. */
  watch?(changed: () => void): void;
  /**
   * Whether it holds nothing to write now. Only a participant that also {@link watch}es is asked; while every
   * participant is idle the committer neither commits nor keeps a timer; one without both is committed every interval.
   */
  idle?(): boolean;
}

/**
 * Stores the progress of all participants in one SQLite transaction, at most `intervalMs` after one of them came to
 * hold something (every `intervalMs` while one does) and soon after {@link request}: the lines a checkpoint covers and
 * what they led to (alert state, queued notifications) are kept or lost together, so a crash at any moment neither
 * loses nor repeats anything. While every participant is idle it does nothing and holds no timer.
 */
export class StoreCommitter {
  private timer: NodeJS.Timeout | undefined;
  private soon = false;
  private started = false;
  private stopped = false;
  private readonly canRest: boolean;

  constructor(
    private readonly db: Store,
    private readonly participants: readonly CommitParticipant[],
    private readonly logger: Logger,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {
    this.canRest = participants.every((p) => p.watch !== undefined && p.idle !== undefined);
  }

  /** Starts committing: the participants are watched, and a first commit is due after one interval. */
  start(): void {
    this.started = true;
    const changed = () => this.changed();
    for (const p of this.participants) p.watch?.(changed);
    this.arm();
  }

  /** A participant holds something new: it is committed within one interval. */
  changed(): void {
    if (this.timer === undefined) this.arm();
  }

  /** Asks for a commit as soon as the current work is done (a notification is waiting to be queued). */
  request(): void {
    if (this.soon) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      this.commitNow();
    });
  }

  /**
   * Commits now unless every participant is idle. A failure (disk full, I/O error) is counted in the store's health,
   * which logs it at most once a minute; the participants keep what they hold and it is retried one interval later,
   * nothing is dropped.
   */
  commitNow(): void {
    if (!this.db.open) return;
    if (!this.resting()) {
      const now = this.now();
      const commit = this.db.transaction(() => {
        for (const p of this.participants) p.commit(now);
      });
      if (guardedWrite(this.db, 'commit', () => (commit(), true), false)) {
        for (const p of this.participants) this.call(() => p.committed?.(), 'committed');
      } else {
        for (const p of this.participants) this.call(() => p.uncommitted?.(), 'uncommitted');
      }
    }
    if (this.timer === undefined && !this.resting()) this.arm();
  }

  /** Stops the timer after a last commit. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.commitNow();
  }

  /** Whether every participant is idle (never for a participant that cannot tell). */
  private resting(): boolean {
    if (!this.canRest) return false;
    for (const p of this.participants) if (!this.ask(p)) return false;
    return true;
  }

  private ask(p: CommitParticipant): boolean {
    try {
      return p.idle?.() ?? false;
    } catch (err) {
      this.logger.error("store commit: a participant's idle check failed", { error: (err as Error).message });
      return false;
    }
  }

  private arm(): void {
    if (!this.started || this.stopped || !this.db.open) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.commitNow();
    }, this.intervalMs);
    this.timer.unref();
  }

  private call(hook: () => void, name: string): void {
    try {
      hook();
    } catch (err) {
      this.logger.error(`store commit: a participant's ${name} hook failed`, { error: (err as Error).message });
    }
  }
}
