import type { Statement } from 'better-sqlite3';
import type { Store } from './database';

/**
 * What a failed store write was for, the label of `dockwatch_store_errors_total`: `commit` the shared transaction
 * (log checkpoints, alert state and silences, queued notifications, event position, digest counts), `outbox` a
 * delivery's record (sent, retry, rejected, expired), `revisions` revision history and rollback markers, `lease` the
 * writer lease of the data dir, `audit` the bot's audit trail, `alert_posts` the bot's record of the alerts it posted,
 * `expected_stops` the stops `ctl` asked for.
 */
export const STORE_OPERATIONS = [
  'commit',
  'outbox',
  'revisions',
  'lease',
  'audit',
  'alert_posts',
  'expected_stops',
] as const;

/** One of {@link STORE_OPERATIONS}. */
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

/** The logging store health needs (a winston logger fits). */
export type StoreHealthLogger = {
  info(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
};

/** Longest quiet time between two lines saying that store writes fail. */
const REPORT_EVERY_MS = 60_000;

/**
 * Failed store writes (disk full, I/O error, read-only): counted by operation for metrics and logged at most once a
 * minute with how many failed since the last line, never once per write; one line when writes succeed again.
 * Writers call {@link failed} where they catch the error and carry on with what they keep in memory.
 */
export class StoreHealth {
  private readonly counts = new Map<StoreOperation, number>(STORE_OPERATIONS.map((op) => [op, 0]));
  private unreported = new Map<StoreOperation, number>();
  private failingSince: number | undefined;
  private failedWhileFailing = 0;
  private lastReportAt = -Infinity;
  private logger: StoreHealthLogger | undefined;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly reportEveryMs = REPORT_EVERY_MS,
  ) {}

  /** Where the lines go (the agent's logger); before this, failures are only counted. */
  logTo(logger: StoreHealthLogger): void {
    this.logger = logger;
  }

  /** Counts one failed write and logs it when no line said so in the last minute. */
  failed(operation: StoreOperation, err: unknown): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
    this.unreported.set(operation, (this.unreported.get(operation) ?? 0) + 1);
    this.failedWhileFailing += 1;
    const now = this.now();
    this.failingSince ??= now;
    if (now - this.lastReportAt < this.reportEveryMs) return;
    const failed = Object.fromEntries(this.unreported);
    const total = [...this.unreported.values()].reduce((sum, n) => sum + n, 0);
    this.unreported = new Map();
    this.lastReportAt = now;
    this.logger?.error(`store writes fail: ${total} failed since the last report; carrying on from memory`, {
      error: messageOf(err),
      failed,
    });
  }

  /** Counts `err` as a failed write when it came from the store (SQLite); false for any other error. */
  counted(operation: StoreOperation, err: unknown): boolean {
    if (!String((err as { code?: unknown })?.code ?? '').startsWith('SQLITE_')) return false;
    this.failed(operation, err);
    return true;
  }

  /** A write that changed the store succeeded: logs once that the store is writable again after failures. */
  succeeded(): void {
    if (this.failingSince === undefined) return;
    const downForS = Math.round((this.now() - this.failingSince) / 1000);
    this.logger?.info('store writable again', { failedWrites: this.failedWhileFailing, downForS });
    this.failingSince = undefined;
    this.failedWhileFailing = 0;
    this.unreported = new Map();
  }

  /** Whether the last write failed (no write has succeeded since). */
  get failing(): boolean {
    return this.failingSince !== undefined;
  }

  /** Failed writes since start by operation, every operation listed (zeros included). */
  errors(): { operation: StoreOperation; count: number }[] {
    return STORE_OPERATIONS.map((operation) => ({ operation, count: this.counts.get(operation) ?? 0 }));
  }
}

const health = new WeakMap<Store, StoreHealth>();
const totals = new WeakMap<Store, Statement>();

/** The health of one open store, shared by every writer holding the same handle (created on first use). */
export function storeHealthOf(store: Store): StoreHealth {
  let h = health.get(store);
  if (!h) {
    h = new StoreHealth();
    health.set(store, h);
  }
  return h;
}

/** Rows changed on this connection since it opened (SQLite's total_changes()): did a write write anything? */
export function totalChanges(store: Store): number {
  let statement = totals.get(store);
  if (!statement) {
    statement = store.prepare('SELECT total_changes()').pluck();
    totals.set(store, statement);
  }
  return statement.get() as number;
}

/**
 * Runs one store write; a failure is counted under `operation` and `fallback` returned instead of throwing. Only a
 * write that changed rows tells the health the store is writable again (a delete of nothing succeeds on a full disk).
 */
export function guardedWrite<T>(store: Store, operation: StoreOperation, write: () => T, fallback: T): T {
  try {
    const before = totalChanges(store);
    const result = write();
    if (totalChanges(store) !== before) storeHealthOf(store).succeeded();
    return result;
  } catch (err) {
    storeHealthOf(store).failed(operation, err);
    return fallback;
  }
}

function messageOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
