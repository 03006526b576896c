import { migrate, type Store } from '../store/database';
import type { CommitParticipant } from '../store/storeCommitter';
import type { EventPosition } from './eventDeduper';

const KEY = 'events.position';

/** The event stream's position in the store, committed with everything the events led to. */
export class EventPositionStore implements CommitParticipant {
  private written = '';
  private writing = '';
  private changed: (() => void) | undefined;

  constructor(
    private readonly db: Store,
    private readonly position: () => EventPosition | undefined,
  ) {
    migrate(db, [
      { name: 'meta-1', sql: 'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)' },
    ]);
  }

  /** The position the previous run stored, if any. */
  load(): EventPosition | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(KEY) as { value: string } | undefined;
    if (!row) return undefined;
    const stored = JSON.parse(row.value) as { timeNano: string; keys: string[]; floor?: string };
    const floor = stored.floor !== undefined ? { floor: BigInt(stored.floor) } : {};
    return { timeNano: BigInt(stored.timeNano), keys: stored.keys, ...floor };
  }

  /** Keeps the committer's wake-up for {@link moved}. */
  watch(changed: () => void): void {
    this.changed = changed;
  }

  /** The position may have moved (an event was delivered, the stream was opened): it is committed if it did. */
  moved(): void {
    this.changed?.();
  }

  /** Whether the stored position is the current one. */
  idle(): boolean {
    const value = this.current();
    return value === undefined || value === this.written;
  }

  /** Stores the current position when it moved. */
  commit(): void {
    const value = this.current();
    if (value === undefined || value === this.written) return;
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(KEY, value);
    this.writing = value;
  }

  /** Remembers what the committed transaction stored. */
  committed(): void {
    this.written = this.writing;
  }

  private current(): string | undefined {
    const at = this.position();
    if (at === undefined) return undefined;
    return JSON.stringify({ timeNano: at.timeNano.toString(), keys: at.keys, floor: at.floor?.toString() });
  }
}
