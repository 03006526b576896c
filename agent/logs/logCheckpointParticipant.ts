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
