import type { Logger } from '../../shared/logger';
import { migrate, type Migration, type Store } from '../../agent/store/database';
import { guardedWrite } from '../../agent/store/storeHealth';
import type { Identity } from './identity';

/** What an audit entry records. */
export type AuditEvent =
  | 'allowed'
  | 'denied'
  | 'invalid'
  | 'rate-limited'
  | 'confirmation-requested'
  | 'confirmed'
  | 'confirmation-refused'
  | 'succeeded'
  | 'failed'
  | 'timed-out';

/** One line of the audit: who, where, what, and what came of it. */
export type AuditEntry = {
  id: number;
  at: number;
  platform: Identity['platform'];
  userId: string;
  channelId?: string;
  command: string;
  container?: string;
  event: AuditEvent;
  detail: string;
};

/** An entry before it is stored. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

/** The bot's tables in the agent's store; names never change once released. */
export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    name: 'bot-audit-1',
    sql: `CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      platform TEXT NOT NULL,
      user_id TEXT NOT NULL,
      channel_id TEXT,
      command TEXT NOT NULL,
      container TEXT,
      event TEXT NOT NULL,
      detail TEXT NOT NULL
    )`,
  },
];

type Row = {
  id: number;
  at: number;
  platform: Identity['platform'];
  user_id: string;
  channel_id: string | null;
  command: string;
  container: string | null;
  event: AuditEvent;
  detail: string;
};

const MAX_TEXT = 2000;

/** The audit trail: every command, decision, confirmation and result, in the store (table `audit`) and the log. */
export class AuditLog {
  private readonly insert;
  private readonly latest;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    migrate(store, AUDIT_MIGRATIONS);
    this.insert = store.prepare(
      `INSERT INTO audit (at, platform, user_id, channel_id, command, container, event, detail)
       VALUES (@at, @platform, @user_id, @channel_id, @command, @container, @event, @detail)`,
    );
    this.latest = store.prepare<[number], Row>('SELECT * FROM audit ORDER BY id DESC LIMIT ?');
  }

  /** Stores and logs one entry; when the store cannot be written the log line remains and the failure is counted. */
  record(entry: NewAuditEntry): void {
    const at = this.now();
    const row = {
      at,
      platform: entry.platform,
      user_id: cut(entry.userId),
      channel_id: entry.channelId ?? null,
      command: cut(entry.command),
      container: entry.container ?? null,
      event: entry.event,
      detail: cut(entry.detail),
    };
    guardedWrite(this.store, 'audit', () => this.insert.run(row), undefined);
    const level = entry.event === 'failed' || entry.event === 'timed-out' ? 'warn' : 'info';
    this.logger.log(level, 'bot audit', {
      user: `${entry.platform}:${entry.userId}`,
      ...(entry.channelId === undefined ? {} : { channel: entry.channelId }),
      command: cut(entry.command),
      ...(entry.container === undefined ? {} : { container: entry.container }),
      event: entry.event,
      detail: cut(entry.detail),
    });
  }

  /** The last `count` entries, oldest first. */
  last(count: number): AuditEntry[] {
    return this.latest
      .all(count)
      .reverse()
      .map((r) => ({
        id: r.id,
        at: r.at,
        platform: r.platform,
        userId: r.user_id,
        ...(r.channel_id === null ? {} : { channelId: r.channel_id }),
        command: r.command,
        ...(r.container === null ? {} : { container: r.container }),
        event: r.event,
        detail: r.detail,
      }));
  }
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
