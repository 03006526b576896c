import type { Migration, Store } from '../agent/store/database';
import { migrate } from '../agent/store/database';
import type { Notification } from './alert';

/** The outbox's tables: each notification once, and one delivery row per notifier it goes to. */
export const OUTBOX_MIGRATIONS: readonly Migration[] = [
  {
    name: 'outbox-1-notifications-and-deliveries',
    sql: `
      CREATE TABLE outbox_notifications (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE outbox_deliveries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        notification_id TEXT NOT NULL REFERENCES outbox_notifications (id) ON DELETE CASCADE,
        notifier TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        enqueued_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        UNIQUE (notification_id, notifier)
      );
      CREATE INDEX outbox_deliveries_queue ON outbox_deliveries (notifier, state, seq);
      CREATE INDEX outbox_deliveries_age ON outbox_deliveries (state, enqueued_at);
    `,
  },
];

/** A delivery waiting to be sent: the oldest of its notifier's queue is sent first. */
export type PendingDelivery = {
  seq: number;
  notifier: string;
  notification: Notification;
  attempts: number;
  enqueuedAt: number;
  nextAttemptAt: number;
};

/** Pending deliveries of one notifier: how many and since when. */
export type PendingCount = { notifier: string; count: number; oldestEnqueuedAt: number };

type DeliveryRow = {
  seq: number;
  notifier: string;
  body: string;
  attempts: number;
  enqueued_at: number;
  next_attempt_at: number;
};

/**
 * The persisted outbox over SQLite: every state change is one transaction, so a crash loses nothing that was
 * enqueued and never forgets a delivery that was recorded as done. Delivered rows are deleted; failed rows are kept
 * (for inspection) until they age out; a notification is deleted with its last delivery row.
 */
export class OutboxStore {
  private readonly db: Store;
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: Store) {
    migrate(db, OUTBOX_MIGRATIONS);
    this.db = db;
    this.statements = prepareStatements(db);
  }

  /** Persists the notification and one pending delivery per notifier, in one transaction; repeats are ignored. */
  enqueue(notification: Notification, notifiers: readonly string[], now: number): void {
    this.db.transaction(() => {
      this.statements.insertNotification.run(notification.id, JSON.stringify(notification), notification.createdAt);
      for (const notifier of notifiers) this.statements.insertDelivery.run(notification.id, notifier, now, now);
    })();
  }

  /** The oldest `limit` pending deliveries of a notifier, due or not, oldest first. */
  heads(notifier: string, limit: number): PendingDelivery[] {
    return (this.statements.heads.all(notifier, limit) as DeliveryRow[]).map(toPending);
  }

  /** The row of one notification's delivery to one notifier, in any state, if the store has it. */
  seqOf(notificationId: string, notifier: string): number | undefined {
    const row = this.statements.seqOf.get(notificationId, notifier) as { seq: number } | undefined;
    return row?.seq;
  }

  /** Forgets a delivered row (and its notification once no notifier needs it). */
  delivered(seq: number): void {
    this.removeDelivery(seq);
  }

  /** Counts a failed attempt and schedules the next. */
  reschedule(seq: number, nextAttemptAt: number, error: string): void {
    this.statements.reschedule.run(nextAttemptAt, error, seq);
  }

  /** Takes a delivery out of the queue for good (a non-retryable answer); the row stays until it ages out. */
  fail(seq: number, error: string): void {
    this.statements.fail.run(error, seq);
  }

  /** Drops an expired pending delivery. */
  drop(seq: number): void {
    this.removeDelivery(seq);
  }

  /** Deletes every row enqueued at or before `cutoff`; returns how many pending ones went, by notifier. */
  expire(cutoff: number): { notifier: string; count: number }[] {
    return this.db.transaction(() => {
      const expired = this.statements.expired.all(cutoff) as { notifier: string; count: number }[];
      const deleted = this.statements.deleteOlder.run(cutoff).changes;
      if (deleted > 0) this.statements.deleteOrphans.run();
      return expired;
    })();
  }

  /** Pending deliveries by notifier. */
  pending(): PendingCount[] {
    return this.statements.pending.all() as PendingCount[];
  }

  /** Makes every pending delivery due now (after a restart: the endpoint may be back, and nobody waits). */
  makeAllDue(now: number): void {
    this.statements.makeDue.run(now, now);
  }

  private removeDelivery(seq: number): void {
    this.db.transaction(() => {
      const row = this.statements.notificationOf.get(seq) as { id: string } | undefined;
      this.statements.deleteDelivery.run(seq);
      if (row) this.statements.deleteOrphan.run(row.id, row.id);
    })();
  }
}

function toPending(row: DeliveryRow): PendingDelivery {
  return {
    seq: row.seq,
    notifier: row.notifier,
    notification: JSON.parse(row.body) as Notification,
    attempts: row.attempts,
    enqueuedAt: row.enqueued_at,
    nextAttemptAt: row.next_attempt_at,
  };
}

function prepareStatements(db: Store) {
  return {
    insertNotification: db.prepare(
      'INSERT OR IGNORE INTO outbox_notifications (id, body, created_at) VALUES (?, ?, ?)',
    ),
    insertDelivery: db.prepare(
      `INSERT OR IGNORE INTO outbox_deliveries (notification_id, notifier, state, enqueued_at, next_attempt_at)
       VALUES (?, ?, 'pending', ?, ?)`,
    ),
    heads: db.prepare(
      `SELECT d.seq, d.notifier, n.body, d.attempts, d.enqueued_at, d.next_attempt_at
       FROM outbox_deliveries d JOIN outbox_notifications n ON n.id = d.notification_id
       WHERE d.notifier = ? AND d.state = 'pending' ORDER BY d.seq LIMIT ?`,
    ),
    seqOf: db.prepare('SELECT seq FROM outbox_deliveries WHERE notification_id = ? AND notifier = ?'),
    notificationOf: db.prepare('SELECT notification_id AS id FROM outbox_deliveries WHERE seq = ?'),
    deleteDelivery: db.prepare('DELETE FROM outbox_deliveries WHERE seq = ?'),
    deleteOrphan: db.prepare(
      'DELETE FROM outbox_notifications WHERE id = ? AND NOT EXISTS (SELECT 1 FROM outbox_deliveries WHERE notification_id = ?)',
    ),
    deleteOrphans: db.prepare(
      'DELETE FROM outbox_notifications WHERE NOT EXISTS (SELECT 1 FROM outbox_deliveries WHERE notification_id = outbox_notifications.id)',
    ),
    reschedule: db.prepare(
      'UPDATE outbox_deliveries SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?',
    ),
    fail: db.prepare(
      "UPDATE outbox_deliveries SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE seq = ?",
    ),
    expired: db.prepare(
      `SELECT notifier, count(*) AS count FROM outbox_deliveries
       WHERE state = 'pending' AND enqueued_at <= ? GROUP BY notifier ORDER BY notifier`,
    ),
    deleteOlder: db.prepare('DELETE FROM outbox_deliveries WHERE enqueued_at <= ?'),
    pending: db.prepare(
      `SELECT notifier, count(*) AS count, min(enqueued_at) AS oldestEnqueuedAt FROM outbox_deliveries
       WHERE state = 'pending' GROUP BY notifier ORDER BY notifier`,
    ),
    makeDue: db.prepare(
      "UPDATE outbox_deliveries SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?",
    ),
  };
}
