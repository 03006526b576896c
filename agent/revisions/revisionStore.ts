import { migrate, type Migration, type Store } from '../store/database';
import type { CreateSpec } from './createSpec';

/**
 * How a revision's containers last ran, as dockwatch saw it: `healthy` (reported healthy, or passed a rollback's
 * health gate) or `failed` (reported unhealthy, crashed, OOM-killed, or a rollback to it failed).
 */
export type LastRun = { verdict: 'healthy' | 'failed'; at: number; detail?: string };

/** One recorded version of the container that runs under a name. Times are ms since the epoch. */
export type Revision = {
  name: string;
  /** 1, 2, … per name, never reused. */
  revision: number;
  imageId: string;
  /** The image reference the container was created with (`Config.Image`). */
  imageRef: string;
  containerId: string;
  spec: CreateSpec;
  recordedAt: number;
  /** Why it was recorded, when dockwatch made the change (e.g. `rollback to revision 1`). */
  note?: string;
  /** The keep tag (`dockwatch-keep/<name>:rev-<n>`) while it is in place. */
  keepTag?: string;
  /** How its containers last ran, when seen. */
  lastRun?: LastRun;
};

/** A revision before it has a number. */
export type NewRevision = Omit<Revision, 'revision' | 'keepTag' | 'lastRun'>;

const MIGRATIONS: Migration[] = [
  {
    name: 'revisions-1',
    sql: `CREATE TABLE revisions (
      name TEXT NOT NULL,
      revision INTEGER NOT NULL,
      image_id TEXT NOT NULL,
      image_ref TEXT NOT NULL,
      container_id TEXT NOT NULL,
      spec TEXT NOT NULL,
      recorded_at INTEGER NOT NULL,
      note TEXT,
      keep_tag TEXT,
      PRIMARY KEY (name, revision)
    )`,
  },
  {
    name: 'revisions-absence-1',
    sql: `CREATE TABLE revision_absence (name TEXT PRIMARY KEY, since INTEGER NOT NULL)`,
  },
  {
    name: 'revisions-2-last-run',
    sql: `ALTER TABLE revisions ADD COLUMN last_run TEXT;
      ALTER TABLE revisions ADD COLUMN last_run_at INTEGER;
      ALTER TABLE revisions ADD COLUMN last_run_detail TEXT;
      CREATE TABLE revision_numbers (name TEXT PRIMARY KEY, last INTEGER NOT NULL);
      INSERT INTO revision_numbers (name, last) SELECT name, MAX(revision) FROM revisions GROUP BY name;`,
  },
];

type Row = {
  name: string;
  revision: number;
  image_id: string;
  image_ref: string;
  container_id: string;
  spec: string;
  recorded_at: number;
  note: string | null;
  keep_tag: string | null;
  last_run: LastRun['verdict'] | null;
  last_run_at: number | null;
  last_run_detail: string | null;
};

function fromRow(row: Row): Revision {
  return {
    name: row.name,
    revision: row.revision,
    imageId: row.image_id,
    imageRef: row.image_ref,
    containerId: row.container_id,
    spec: JSON.parse(row.spec) as CreateSpec,
    recordedAt: row.recorded_at,
    ...(row.note !== null && { note: row.note }),
    ...(row.keep_tag !== null && { keepTag: row.keep_tag }),
    ...(row.last_run !== null && {
      lastRun: {
        verdict: row.last_run,
        at: row.last_run_at ?? 0,
        ...(row.last_run_detail !== null && { detail: row.last_run_detail }),
      },
    }),
  };
}

/** The revisions of every container name, in the agent's SQLite store (table `revisions`). */
export class RevisionStore {
  constructor(private readonly db: Store) {
    migrate(db, MIGRATIONS);
  }

  /** Stores a revision under the next number for its name (numbers are never reused) and returns it. */
  add(r: NewRevision): Revision {
    return this.db.transaction(() => {
      const { next } = this.db
        .prepare(
          `SELECT MAX(COALESCE((SELECT MAX(revision) FROM revisions WHERE name = ?), 0),
                      COALESCE((SELECT last FROM revision_numbers WHERE name = ?), 0)) + 1 AS next`,
        )
        .get(r.name, r.name) as { next: number };
      this.db
        .prepare(
          `INSERT INTO revisions (name, revision, image_id, image_ref, container_id, spec, recorded_at, note)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(r.name, next, r.imageId, r.imageRef, r.containerId, JSON.stringify(r.spec), r.recordedAt, r.note ?? null);
      this.db
        .prepare(
          'INSERT INTO revision_numbers (name, last) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last = excluded.last',
        )
        .run(r.name, next);
      return { ...r, revision: next };
    })();
  }

  /** Records how a revision's container last ran. */
  setLastRun(name: string, revision: number, run: LastRun): void {
    this.db
      .prepare(
        'UPDATE revisions SET last_run = ?, last_run_at = ?, last_run_detail = ? WHERE name = ? AND revision = ?',
      )
      .run(run.verdict, run.at, run.detail ?? null, name, revision);
  }

  /** Replaces a revision's create spec (its container's networks changed after it was recorded). */
  setSpec(name: string, revision: number, spec: CreateSpec): void {
    this.db
      .prepare('UPDATE revisions SET spec = ? WHERE name = ? AND revision = ?')
      .run(JSON.stringify(spec), name, revision);
  }

  /** Makes `containerId` the container of a revision (it runs exactly that revision). */
  setContainer(name: string, revision: number, containerId: string): void {
    this.db
      .prepare('UPDATE revisions SET container_id = ? WHERE name = ? AND revision = ?')
      .run(containerId, name, revision);
  }

  /** The newest revision of a name. */
  latest(name: string): Revision | undefined {
    const row = this.db.prepare('SELECT * FROM revisions WHERE name = ? ORDER BY revision DESC LIMIT 1').get(name) as
      Row | undefined;
    return row && fromRow(row);
  }

  /** One revision of a name. */
  get(name: string, revision: number): Revision | undefined {
    const row = this.db.prepare('SELECT * FROM revisions WHERE name = ? AND revision = ?').get(name, revision) as
      Row | undefined;
    return row && fromRow(row);
  }

  /** The newest revision recorded for a container ID. */
  byContainer(containerId: string): Revision | undefined {
    const row = this.db
      .prepare('SELECT * FROM revisions WHERE container_id = ? ORDER BY recorded_at DESC, revision DESC LIMIT 1')
      .get(containerId) as Row | undefined;
    return row && fromRow(row);
  }

  /** The newest `limit` revisions of a name, newest first. */
  list(name: string, limit = Number.MAX_SAFE_INTEGER): Revision[] {
    const rows = this.db
      .prepare('SELECT * FROM revisions WHERE name = ? ORDER BY revision DESC LIMIT ?')
      .all(name, limit) as Row[];
    return rows.map(fromRow);
  }

  /** Revisions of a name outside the newest `keep`, oldest first. */
  outsideWindow(name: string, keep: number): Revision[] {
    const rows = this.db
      .prepare('SELECT * FROM revisions WHERE name = ? ORDER BY revision DESC LIMIT -1 OFFSET ?')
      .all(name, keep) as Row[];
    return rows.map(fromRow).reverse();
  }

  /** Every container name that has revisions. */
  names(): string[] {
    return (this.db.prepare('SELECT DISTINCT name FROM revisions ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
  }

  /** Since when no container has carried `name` (kept across restarts), or undefined while one does. */
  absentSince(name: string): number | undefined {
    const row = this.db.prepare('SELECT since FROM revision_absence WHERE name = ?').get(name) as
      { since: number } | undefined;
    return row?.since;
  }

  /** Records since when `name` has been absent (the first time only), or clears it (`since` undefined). */
  setAbsentSince(name: string, since: number | undefined): void {
    if (since === undefined) this.db.prepare('DELETE FROM revision_absence WHERE name = ?').run(name);
    else this.db.prepare('INSERT OR IGNORE INTO revision_absence (name, since) VALUES (?, ?)').run(name, since);
  }

  /** Records whether a revision's image carries its keep tag. */
  setKeepTag(name: string, revision: number, tag: string | undefined): void {
    this.db
      .prepare('UPDATE revisions SET keep_tag = ? WHERE name = ? AND revision = ?')
      .run(tag ?? null, name, revision);
  }

  /** Forgets one revision (once it is outside the window and its tag is gone); its number is not given out again. */
  delete(name: string, revision: number): void {
    this.db.prepare('DELETE FROM revisions WHERE name = ? AND revision = ?').run(name, revision);
  }

  /** Forgets a name's numbering once it has no revisions left (the name was forgotten): it starts at 1 again. */
  forgetNumbering(name: string): void {
    this.db
      .prepare('DELETE FROM revision_numbers WHERE name = ? AND NOT EXISTS (SELECT 1 FROM revisions WHERE name = ?)')
      .run(name, name);
  }
}
