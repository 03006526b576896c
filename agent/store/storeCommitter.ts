import type { Logger } from '../logger';
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
}

/**
 * Stores the progress of all participants in one SQLite transaction, every `intervalMs` and soon after
 * {@link request}: the lines a checkpoint covers and what they led to (alert state, queued notifications) are kept
 * or lost together, so a crash at any moment neither loses nor repeats anything.
 */
export class StoreCommitter {
  private timer: NodeJS.Timeout | undefined;
  private soon = false;

  constructor(
    private readonly db: Store,
    private readonly participants: readonly CommitParticipant[],
    private readonly logger: Logger,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the periodic commit. */
  start(): void {
    this.timer = setInterval(() => this.commitNow(), this.intervalMs);
    this.timer.unref();
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
   * Commits now. A failure (disk full, I/O error) is counted in the store's health, which logs it at most once a
   * minute; the participants keep what they hold and it is retried at the next interval, nothing is dropped.
   */
  commitNow(): void {
    if (!this.db.open) return;
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

  /** Stops the timer after a last commit. */
  stop(): void {
    clearInterval(this.timer);
    this.commitNow();
  }

  private call(hook: () => void, name: string): void {
    try {
      hook();
    } catch (err) {
      this.logger.error(`store commit: a participant's ${name} hook failed`, { error: (err as Error).message });
    }
  }
}
