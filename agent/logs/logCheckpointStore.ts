import { migrate, type Migration, type Store } from '../store/database';
import type { LogCheckpoint } from './logPosition';

const MIGRATIONS: Migration[] = [
  {
    name: 'logs-1-checkpoints',
    sql: `CREATE TABLE log_checkpoints (
            container_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            stdout_ts INTEGER NOT NULL, stdout_n INTEGER NOT NULL,
            stderr_ts INTEGER NOT NULL, stderr_n INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
          CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  },
];

type Row = {
  container_id: string;
  stdout_ts: bigint;
  stdout_n: bigint;
  stderr_ts: bigint;
  stderr_n: bigint;
};

/** Per-container log checkpoints (nanosecond positions per stream) in the store. */
export class LogCheckpointStore {
  private readonly upsert;
  private readonly remove;

  constructor(private readonly db: Store) {
    migrate(db, MIGRATIONS);
    this.upsert = db.prepare(
      `INSERT INTO log_checkpoints (container_id, name, stdout_ts, stdout_n, stderr_ts, stderr_n, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (container_id) DO UPDATE SET name = excluded.name, stdout_ts = excluded.stdout_ts,
         stdout_n = excluded.stdout_n, stderr_ts = excluded.stderr_ts, stderr_n = excluded.stderr_n,
         updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare('DELETE FROM log_checkpoints WHERE container_id = ?');
  }

  /** Every stored checkpoint by container ID. */
  loadAll(): Map<string, LogCheckpoint> {
    const rows = this.db.prepare('SELECT * FROM log_checkpoints').safeIntegers(true).all() as Row[];
    return new Map(
      rows.map((r) => [
        r.container_id,
        {
          stdout: { ts: r.stdout_ts, n: Number(r.stdout_n) },
          stderr: { ts: r.stderr_ts, n: Number(r.stderr_n) },
        },
      ]),
    );
  }

  /** Writes checkpoints (call inside the transaction that also commits what the lines led to). */
  save(entries: Iterable<{ id: string; name: string; checkpoint: LogCheckpoint }>, now: number): void {
    for (const { id, name, checkpoint: cp } of entries) {
      this.upsert.run(id, name, cp.stdout.ts, cp.stdout.n, cp.stderr.ts, cp.stderr.n, now);
    }
  }

  /** Forgets a removed container. */
  delete(id: string): void {
    this.remove.run(id);
  }

  /** When this store first tailed logs (ns); set to `nowNs` on the first call. */
  firstTailedAt(nowNs: bigint): bigint {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'logs.firstTailedAt'").get() as
      { value: string } | undefined;
    if (row) return BigInt(row.value);
    this.db.prepare("INSERT INTO meta (key, value) VALUES ('logs.firstTailedAt', ?)").run(nowNs.toString());
    return nowNs;
  }
}
