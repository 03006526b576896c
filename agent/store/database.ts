import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { storeProblemOf } from './storeProblem';

/** The agent's SQLite store (checkpoints, alert state, outbox, silences, later revisions and audit). */
export type Store = Database.Database;

/** One schema change, applied once per store in the order given; `name` must never change once released. */
export type Migration = { name: string; sql: string };

/** File name of the store inside the data dir. */
export const STORE_FILE = 'dockwatch.sqlite';

/**
 * Opens (creating if needed) the store in `dataDir`, or an in-memory one for `:memory:`. WAL with
 * synchronous=NORMAL: a committed transaction survives the process being killed; only a power loss may lose the last.
 * Reads the schema and probes a write first, so a corrupt, truncated, foreign or read-only store fails here with a
 * {@link StoreUnusableError} naming the file, what is wrong and what to do (no `quick_check`: it reads the whole
 * file, seconds for a large store, and opening already finds a damaged header or schema).
 */
export function openStore(dataDir: string): Store {
  if (dataDir === ':memory:') return configure(new Database(':memory:'));
  const file = join(dataDir, STORE_FILE);
  let db: Database.Database | undefined;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = configure(new Database(file));
    db.prepare('SELECT name, sql FROM sqlite_master').all();
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec('CREATE TABLE store_write_probe (x)');
    } finally {
      db.exec('ROLLBACK');
    }
    return db;
  } catch (err) {
    db?.close();
    throw storeProblemOf(file, err) ?? err;
  }
}

function configure(db: Database.Database): Store {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  return db;
}

/** Applies the migrations of one module that this store has not seen yet, each in its own transaction. */
export function migrate(db: Store, migrations: readonly Migration[]): void {
  const applied = db.prepare('SELECT 1 FROM migrations WHERE name = ?');
  const record = db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)');
  for (const m of migrations) {
    if (applied.get(m.name)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.name, Date.now());
    })();
  }
}
