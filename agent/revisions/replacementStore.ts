import { holderMayBeAlive } from '../store/holderAlive';
import { migrate, type Store } from '../store/database';

/**
 * How a replacement ended: the new container runs (a rollback's or a deploy's), or the previous one is back (after a
 * failed step: `restored`; after its process died mid-way: `undone`), or not quite (`restore-failed`).
 */
export type ReplacementOutcome = 'rolled-back' | 'deployed' | 'restored' | 'undone' | 'restore-failed';

/**
 * A container being replaced under its name (a rollback or a deploy), as every process on the data dir sees it: while
 * it is in progress no revision is recorded for the name (its containers are transient), and once it has an outcome
 * the revisions writer settles it (records the new container, or notes that a rollback's target revision failed).
 */
export type Replacement = {
  name: string;
  /** The process doing it ({@link processHolderId}). */
  holder: string;
  targetRevision: number;
  /** Set for a deploy (the image it brings, as given); absent for a rollback. `targetRevision` is then 0. */
  deployImage?: string;
  oldContainerId: string;
  /** Whether the old container ran when the replacement began (undoing it starts it again). */
  oldRunning?: boolean;
  asideName?: string;
  newContainerId?: string;
  startedAt: number;
  /** After this the marker no longer holds, even without an outcome (its process died). */
  expiresAt: number;
  outcome?: ReplacementOutcome;
  /** Why it failed, in one line. */
  detail?: string;
};

const MIGRATIONS = [
  {
    name: 'replacements-1',
    sql: `CREATE TABLE container_replacements (
      name TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      target_revision INTEGER NOT NULL,
      old_container_id TEXT NOT NULL,
      aside_name TEXT,
      new_container_id TEXT,
      started_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      outcome TEXT,
      detail TEXT
    )`,
  },
  { name: 'replacements-2-deploy', sql: 'ALTER TABLE container_replacements ADD COLUMN deploy_image TEXT' },
  { name: 'replacements-3-old-running', sql: 'ALTER TABLE container_replacements ADD COLUMN old_running INTEGER' },
];

type Row = {
  name: string;
  holder: string;
  target_revision: number;
  old_container_id: string;
  aside_name: string | null;
  new_container_id: string | null;
  started_at: number;
  expires_at: number;
  outcome: ReplacementOutcome | null;
  detail: string | null;
  deploy_image: string | null;
  old_running: number | null;
};

function fromRow(r: Row): Replacement {
  return {
    name: r.name,
    holder: r.holder,
    targetRevision: r.target_revision,
    ...(r.deploy_image !== null && { deployImage: r.deploy_image }),
    oldContainerId: r.old_container_id,
    ...(r.old_running !== null && { oldRunning: r.old_running === 1 }),
    startedAt: r.started_at,
    expiresAt: r.expires_at,
    ...(r.aside_name !== null && { asideName: r.aside_name }),
    ...(r.new_container_id !== null && { newContainerId: r.new_container_id }),
    ...(r.outcome !== null && { outcome: r.outcome }),
    ...(r.detail !== null && { detail: r.detail }),
  };
}

/** Thrown by {@link ReplacementStore.begin} when another replacement of the name is in progress. */
export class ReplacementInProgress extends Error {
  constructor(readonly existing: Replacement) {
    const what = existing.deployImage === undefined ? 'rollback' : 'deploy';
    super(`a ${what} of ${existing.name} is already in progress (since ${new Date(existing.startedAt).toISOString()})`);
  }
}

/** The replacement markers of the data dir (table `container_replacements`), shared by every process on it. */
export class ReplacementStore {
  constructor(
    private readonly db: Store,
    private readonly now: () => number = Date.now,
    private readonly alive: (holder: string) => boolean = holderMayBeAlive,
  ) {
    migrate(db, MIGRATIONS);
  }

  /** Marks `name` as being replaced; throws {@link ReplacementInProgress} while another live marker holds it. */
  begin(r: Omit<Replacement, 'outcome' | 'detail' | 'newContainerId'>): void {
    this.db
      .transaction(() => {
        const existing = this.get(r.name);
        if (existing && this.inProgress(existing)) throw new ReplacementInProgress(existing);
        this.db
          .prepare(
            `INSERT OR REPLACE INTO container_replacements
             (name, holder, target_revision, old_container_id, aside_name, new_container_id, started_at, expires_at, outcome, detail, deploy_image, old_running)
             VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL, NULL, ?, ?)`,
          )
          .run(
            r.name,
            r.holder,
            r.targetRevision,
            r.oldContainerId,
            r.asideName ?? null,
            r.startedAt,
            r.expiresAt,
            r.deployImage ?? null,
            r.oldRunning === undefined ? null : Number(r.oldRunning),
          );
      })
      .immediate();
  }

  /** Notes the replacement container once it exists. */
  setNewContainer(name: string, holder: string, containerId: string): void {
    this.db
      .prepare('UPDATE container_replacements SET new_container_id = ? WHERE name = ? AND holder = ?')
      .run(containerId, name, holder);
  }

  /** Records how it ended; the revisions writer settles it then. */
  finish(name: string, holder: string, outcome: ReplacementOutcome, detail?: string): void {
    this.db
      .prepare('UPDATE container_replacements SET outcome = ?, detail = ? WHERE name = ? AND holder = ?')
      .run(outcome, detail ?? null, name, holder);
  }

  /** The marker of a name, in progress or not. */
  get(name: string): Replacement | undefined {
    const row = this.db.prepare('SELECT * FROM container_replacements WHERE name = ?').get(name) as Row | undefined;
    return row && fromRow(row);
  }

  /** Whether a replacement of `name` is under way now (no outcome yet, not expired, its process not known dead). */
  busy(name: string): boolean {
    const r = this.get(name);
    return r !== undefined && this.inProgress(r);
  }

  /** Whether a marker of `name` exists: in progress, or ended and not yet settled by the revisions writer. */
  has(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM container_replacements WHERE name = ?').get(name) !== undefined;
  }

  /**
   * Markers to settle: those with an outcome. One whose process died before it had one is first finished or undone on
   * the engine by the replacement recovery ({@link abandoned}, {@link claim}), which then gives it its outcome.
   */
  settleable(): Replacement[] {
    const rows = this.db.prepare('SELECT * FROM container_replacements ORDER BY started_at').all() as Row[];
    return rows.map(fromRow).filter((r) => r.outcome !== undefined);
  }

  /** Markers without an outcome whose process is gone or whose time ran out: the engine may hold them half done. */
  abandoned(): Replacement[] {
    const rows = this.db.prepare('SELECT * FROM container_replacements WHERE outcome IS NULL ORDER BY started_at');
    return (rows.all() as Row[]).map(fromRow).filter((r) => !this.inProgress(r));
  }

  /**
   * Takes over an abandoned marker for `holder` until `expiresAt` (one transaction: only one process wins it);
   * false when it is no longer abandoned or another process took it first.
   */
  claim(marker: Replacement, holder: string, expiresAt: number): boolean {
    return this.db
      .transaction(() => {
        const now = this.get(marker.name);
        if (!now || now.holder !== marker.holder || now.startedAt !== marker.startedAt) return false;
        if (now.outcome !== undefined || this.inProgress(now)) return false;
        this.db
          .prepare('UPDATE container_replacements SET holder = ?, expires_at = ? WHERE name = ? AND holder = ?')
          .run(holder, expiresAt, marker.name, marker.holder);
        return true;
      })
      .immediate();
  }

  /** Gives a claimed marker up without an outcome (the engine could not be read): it is abandoned again at once. */
  release(name: string, holder: string): void {
    this.db
      .prepare('UPDATE container_replacements SET expires_at = 0 WHERE name = ? AND holder = ? AND outcome IS NULL')
      .run(name, holder);
  }

  /** Forgets a settled marker. */
  remove(name: string, holder: string): void {
    this.db.prepare('DELETE FROM container_replacements WHERE name = ? AND holder = ?').run(name, holder);
  }

  private inProgress(r: Replacement): boolean {
    return r.outcome === undefined && r.expiresAt > this.now() && this.alive(r.holder);
  }
}
