import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { migrate, type Store } from './database';
import { holderMayBeAlive } from './holderAlive';
import { storeHealthOf } from './storeHealth';

const MIGRATIONS = [
  {
    name: 'writer-leases-1',
    sql: 'CREATE TABLE writer_leases (kind TEXT PRIMARY KEY, holder TEXT NOT NULL, role TEXT NOT NULL, renewed_at INTEGER NOT NULL)',
  },
];

/** Who holds a lease, as stored. */
export type LeaseHolder = { holder: string; role: string; renewedAt: number };

/** An identity for one process: host, pid and a random part (pids are reused). */
export function processHolderId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/**
 * The right to write one kind of shared state (e.g. revisions) in a data dir that several processes open at once (the
 * agent and `dockwatch ctl`): the store decides, not a flag in one process's memory. A holder keeps it by renewing it
 * within `ttlMs`; a holder that stopped renewing, or whose process on this host is gone, loses it to the next one
 * that asks.
 */
export class WriterLease {
  private heldUntil = 0;

  constructor(
    private readonly db: Store,
    private readonly kind: string,
    private readonly holder: string,
    private readonly role: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly alive: (holder: string) => boolean = holderMayBeAlive,
  ) {
    migrate(db, MIGRATIONS);
  }

  /**
   * Takes the lease if it is free or expired, or renews it if held; returns whether this process holds it now. When
   * the store cannot be written (disk full) the stored holder keeps it: no other process can write it either.
   */
  tryHold(): boolean {
    const now = this.now();
    let held: boolean;
    try {
      held = this.write(now);
      if (held) storeHealthOf(this.db).succeeded();
    } catch (err) {
      storeHealthOf(this.db).failed('lease', err);
      held = this.storedHolder() === this.holder;
    }
    this.heldUntil = held ? now + this.ttlMs : 0;
    return held;
  }

  private storedHolder(): string | undefined {
    try {
      return this.current()?.holder;
    } catch {
      return undefined;
    }
  }

  private write(now: number): boolean {
    return this.db
      .transaction(() => {
        const row = this.current();
        const othersLive = row && row.holder !== this.holder && row.renewedAt > now - this.ttlMs;
        if (othersLive && this.alive(row.holder)) return false;
        this.db
          .prepare(
            `INSERT INTO writer_leases (kind, holder, role, renewed_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (kind) DO UPDATE SET holder = excluded.holder, role = excluded.role, renewed_at = excluded.renewed_at`,
          )
          .run(this.kind, this.holder, this.role, now);
        return true;
      })
      .immediate();
  }

  /** Whether this process held the lease at its last `tryHold` and it has not run out since. */
  holds(): boolean {
    return this.now() < this.heldUntil;
  }

  /** The current holder, if any (expired or not). */
  current(): LeaseHolder | undefined {
    const row = this.db.prepare('SELECT holder, role, renewed_at FROM writer_leases WHERE kind = ?').get(this.kind) as
      { holder: string; role: string; renewed_at: number } | undefined;
    return row && { holder: row.holder, role: row.role, renewedAt: row.renewed_at };
  }

  /** Gives the lease up (at shutdown), so another process need not wait for it to expire. */
  release(): void {
    this.heldUntil = 0;
    try {
      this.db.prepare('DELETE FROM writer_leases WHERE kind = ? AND holder = ?').run(this.kind, this.holder);
    } catch (err) {
      storeHealthOf(this.db).failed('lease', err);
    }
  }
}
