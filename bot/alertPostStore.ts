import { migrate, type Migration, type Store } from '../agent/store/database';
import { guardedWrite } from '../agent/store/storeHealth';

/** What the bot last posted for one alert of one host. */
export type AlertPost = { host: string; key: string; state: 'firing' | 'resolved'; firedAt: number };

const MIGRATIONS: readonly Migration[] = [
  {
    name: 'bot-alert-posts-1',
    sql: `CREATE TABLE bot_alert_posts (
      host TEXT NOT NULL,
      key TEXT NOT NULL,
      state TEXT NOT NULL,
      fired_at INTEGER NOT NULL,
      posted_at INTEGER NOT NULL,
      PRIMARY KEY (host, key)
    )`,
  },
];

const FORGET_RESOLVED_MS = 7 * 86_400_000;

/**
 * The alerts the bot has posted to chat (table `bot_alert_posts`), so a restart neither reposts nor misses any. A post
 * the store cannot record (disk full) is remembered in memory and written later, so it is not posted again meanwhile.
 */
export class AlertPostStore {
  private readonly unsaved = new Map<string, { post: AlertPost; at: number }>();

  constructor(private readonly db: Store) {
    migrate(db, MIGRATIONS);
  }

  /** Every remembered post of one host, by alert key (those not yet written included). */
  ofHost(host: string): Map<string, AlertPost> {
    this.writeUnsaved();
    const rows = this.db
      .prepare('SELECT host, key, state, fired_at AS firedAt FROM bot_alert_posts WHERE host = ?')
      .all(host) as AlertPost[];
    const posts = new Map(rows.map((r) => [r.key, r]));
    for (const { post } of this.unsaved.values()) if (post.host === host) posts.set(post.key, post);
    return posts;
  }

  /** Remembers a post. */
  save(post: AlertPost, now: number): void {
    const id = `${post.host}\u0000${post.key}`;
    this.unsaved.delete(id);
    if (!guardedWrite(this.db, 'alert_posts', () => (this.write(post, now), true), false)) {
      this.unsaved.set(id, { post, at: now });
    }
  }

  /** Drops resolved posts older than a week. */
  prune(now: number): void {
    guardedWrite(
      this.db,
      'alert_posts',
      () =>
        this.db
          .prepare("DELETE FROM bot_alert_posts WHERE state = 'resolved' AND posted_at < ?")
          .run(now - FORGET_RESOLVED_MS),
      undefined,
    );
  }

  private writeUnsaved(): void {
    for (const [id, { post, at }] of this.unsaved) {
      if (!guardedWrite(this.db, 'alert_posts', () => (this.write(post, at), true), false)) return;
      this.unsaved.delete(id);
    }
  }

  private write(post: AlertPost, now: number): void {
    this.db
      .prepare(
        `INSERT INTO bot_alert_posts (host, key, state, fired_at, posted_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (host, key) DO UPDATE SET state = excluded.state, fired_at = excluded.fired_at,
         posted_at = excluded.posted_at`,
      )
      .run(post.host, post.key, post.state, post.firedAt, now);
  }
}
