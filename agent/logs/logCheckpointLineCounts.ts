import { migrate, type Migration, type Store } from '../store/database';
import type { CommitParticipant } from '../store/storeCommitter';
import type { LogEntry } from './logEntry';

const MIGRATIONS: Migration[] = [
  {
    name: 'logs-2-processed-lines',
    sql: `CREATE TABLE log_processed_lines (
            container_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            stdout INTEGER NOT NULL,
            stderr INTEGER NOT NULL,
            updated_at INTEGER NOT NULL)`,
  },
];

/** The stored count of one container's processed lines. */
export type ProcessedLines = { containerId: string; name: string; stdout: number; stderr: number };

type Pending = { name: string; stdout: number; stderr: number };

/**
 * How many log lines of each container were handed over (to the alert rules and the other consumers), stored in the
 * same transaction as the checkpoints that cover them (table `log_processed_lines`): across crashes and restarts it
 * equals the lines the container wrote exactly when none was skipped or handed over twice. Rows go with their
 * container's checkpoint (when the container is removed), so the table stays as small as the checkpoints'.
 */
export class LogCheckpointLineCounts implements CommitParticipant {
  private pending = new Map<string, Pending>();
  private changed: (() => void) | undefined;
  private readonly add;
  private readonly prune;

  constructor(private readonly db: Store) {
    migrate(db, MIGRATIONS);
    this.add = db.prepare(
      `INSERT INTO log_processed_lines (container_id, name, stdout, stderr, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (container_id) DO UPDATE SET name = excluded.name, stdout = stdout + excluded.stdout,
         stderr = stderr + excluded.stderr, updated_at = excluded.updated_at`,
    );
    this.prune = db.prepare(
      'DELETE FROM log_processed_lines WHERE container_id NOT IN (SELECT container_id FROM log_checkpoints)',
    );
  }

  /** Counts one entry once the consumers took it (a consumer that throws leaves it behind the checkpoint, uncounted). */
  count(entry: LogEntry): void {
    let p = this.pending.get(entry.containerId);
    if (!p) {
      p = { name: entry.container, stdout: 0, stderr: 0 };
      this.pending.set(entry.containerId, p);
    }
    p[entry.stream] += entry.lines;
    this.changed?.();
  }

  /** Keeps the committer's wake-up, called with every count. */
  watch(changed: () => void): void {
    this.changed = changed;
  }

  /** Whether nothing was counted since the last commit. */
  idle(): boolean {
    return this.pending.size === 0;
  }

  /** Adds what was counted since the last commit; runs after the checkpoints' participant in the same transaction. */
  commit(now: number): void {
    for (const [id, p] of this.pending) this.add.run(id, p.name, p.stdout, p.stderr, now);
    this.prune.run();
  }

  /** Starts counting afresh once the transaction holds the counts. */
  committed(): void {
    this.pending = new Map();
  }

  /** Every stored count (what `sqlite3 dockwatch.sqlite 'SELECT * FROM log_processed_lines'` shows). */
  all(): ProcessedLines[] {
    const rows = this.db.prepare('SELECT container_id, name, stdout, stderr FROM log_processed_lines').all() as {
      container_id: string;
      name: string;
      stdout: number;
      stderr: number;
    }[];
    return rows.map((r) => ({ containerId: r.container_id, name: r.name, stdout: r.stdout, stderr: r.stderr }));
  }
}
