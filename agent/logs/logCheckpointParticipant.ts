import type { CommitParticipant } from '../store/storeCommitter';
import type { LogCheckpointStore } from './logCheckpointStore';
import type { LogCheckpoint } from './logPosition';
import type { LogTailer } from './logTailer';

/** Stores the tailer's moved checkpoints in the shared transaction; kept until that transaction committed. */
export class LogCheckpointParticipant implements CommitParticipant {
  private readonly pending = new Map<string, { id: string; name: string; checkpoint: LogCheckpoint }>();
  private readonly removed = new Set<string>();

  constructor(
    private readonly tailer: LogTailer,
    private readonly store: LogCheckpointStore,
  ) {}

  /** Asks the tailer to call `changed` whenever a checkpoint may come to move. */
  watch(changed: () => void): void {
    this.tailer.watch(changed);
  }

  /** Whether no checkpoint is held or can move (no container is followed: a followed one's may move any time). */
  idle(): boolean {
    return this.pending.size === 0 && this.removed.size === 0 && this.tailer.quiet;
  }

  /** Writes the checkpoints that moved and forgets those of removed containers. */
  commit(now: number): void {
    const { save, remove } = this.tailer.takeCheckpoints();
    for (const s of save) this.pending.set(s.id, s);
    for (const id of remove) {
      this.pending.delete(id);
      this.removed.add(id);
    }
    this.store.save(this.pending.values(), now);
    for (const id of this.removed) this.store.delete(id);
  }

  /** Drops what the transaction stored. */
  committed(): void {
    this.pending.clear();
    this.removed.clear();
  }
}
