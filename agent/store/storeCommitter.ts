import type { Logger } from '../logger';
import type { Store } from './database';

/** A part whose progress is stored atomically with the others' (log checkpoints, alert state, outbox). */
export interface CommitParticipant {
  /** Writes what changed since the last call; runs inside the shared transaction, so it must not do I/O itself. */
  commit(now: number): void;
  /** Called after the transaction committed: what was written may now be forgotten. */
  committed?(): void;
}

/**
 * Stores the progress of all participants in one SQLite transaction, every `intervalMs` and soon after
 * {@link request}: the lines a checkpoint covers and what they led to (alert state, queued notifications) are kept
 * or lost together, so a crash at any moment neither loses nor repeats anything.
 */
export class StoreCommitter {
  private timer: NodeJS.Timeout | undefined;
  private soon = false;
  private failedBefore = false;

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

  /** Commits now; a failure is logged once and retried at the next interval, nothing is dropped. */
  commitNow(): void {
    try {
      const now = this.now();
      this.db.transaction(() => {
        for (const p of this.participants) p.commit(now);
      })();
      for (const p of this.participants) p.committed?.();
      if (this.failedBefore) this.logger.info('store writable again');
      this.failedBefore = false;
    } catch (err) {
      if (!this.failedBefore) this.logger.error('store commit failed', { error: (err as Error).message });
      this.failedBefore = true;
    }
  }

  /** Stops the timer after a last commit. */
  stop(): void {
    clearInterval(this.timer);
    this.commitNow();
  }
}
