import type { Store } from '../agent/store/database';
import { migrate } from '../agent/store/database';
import type { CommitParticipant } from '../agent/store/storeCommitter';
import type { DigestAccumulator } from './digest';

const MIGRATIONS = [
  { name: 'digest-1-state', sql: 'CREATE TABLE digest_state (host TEXT PRIMARY KEY, json TEXT NOT NULL)' },
];

/**
 * Keeps a host's digest counts in the store, committed with the log checkpoints and alert state (a StoreCommitter
 * participant), so an agent restart mid-period neither loses nor double-counts what the digest reports.
 */
export class DigestStateStore implements CommitParticipant {
  private written = '';
  private writing = '';

  constructor(
    private readonly db: Store,
    private readonly host: string,
    private readonly digest: DigestAccumulator,
  ) {
    migrate(db, MIGRATIONS);
  }

  /** Restores the counts the previous run stored; false when there were none (or they were unreadable). */
  load(): boolean {
    const row = this.db.prepare('SELECT json FROM digest_state WHERE host = ?').get(this.host) as
      { json: string } | undefined;
    if (!row) return false;
    this.written = row.json;
    try {
      return this.digest.restore(JSON.parse(row.json));
    } catch {
      return false;
    }
  }

  /** Whether the stored counts are the current ones. */
  idle(): boolean {
    return JSON.stringify(this.digest.snapshot()) === this.written;
  }

  /** Writes the counts when they changed. */
  commit(): void {
    const json = JSON.stringify(this.digest.snapshot());
    if (json === this.written) return;
    this.db
      .prepare(
        'INSERT INTO digest_state (host, json) VALUES (?, ?) ON CONFLICT (host) DO UPDATE SET json = excluded.json',
      )
      .run(this.host, json);
    this.writing = json;
  }

  /** Remembers what the committed transaction stored. */
  committed(): void {
    this.written = this.writing;
  }
}
