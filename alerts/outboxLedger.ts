import type { Store } from '../agent/store/database';
import { guardedWrite } from '../agent/store/storeHealth';
import type { Notification } from './alert';
import { deliveryKey, OutboxMemory, type Answer } from './outboxMemory';
import { OutboxStore } from './outboxStore';

/** The next delivery of a notifier: a stored row (`seq`) or one held in memory because the store could not take it. */
export type Candidate = {
  key: string;
  notifier: string;
  seq?: number;
  notification: Notification;
  enqueuedAt: number;
  dueAt: number;
};

/** How long a failing store is left alone before the records it refused are written again. */
export const STORE_RETRY_MS = 5_000;

/**
 * Where the outbox's deliveries stand, across the store and memory: the store is the truth while it takes writes;
 * when it refuses them (disk full) memory holds what it could not record (answers, retry times, whole deliveries),
 * so a delivery is never sent again for want of its record, and each record is written once the store takes it.
 */
export class OutboxLedger {
  private readonly store: OutboxStore;
  private readonly memory = new OutboxMemory();
  private recordAfter = 0;

  /** `onOverflow` hears of each delivery neither the store nor memory (full) could take: dropped, to be counted. */
  constructor(
    private readonly db: Store,
    private readonly onOverflow: (notifier: string) => void = () => undefined,
  ) {
    this.store = new OutboxStore(db);
  }

  /**
   * Stores one delivery per notifier. Inside a caller's transaction a store error is the caller's (it throws);
   * outside one, what the store refuses is held in memory. Returns whether it was stored (or is being, in a transaction).
   */
  enqueue(notification: Notification, notifiers: readonly string[], now: number): boolean {
    if (this.db.inTransaction) {
      this.store.enqueue(notification, notifiers, now);
      return true;
    }
    const write = () => (this.store.enqueue(notification, notifiers, now), true);
    if (guardedWrite(this.db, 'outbox', write, false)) return true;
    for (const notifier of notifiers) this.hold(notification, notifier, now);
    return false;
  }

  /** Holds a delivery the store could not take, unless it is stored or answered already; true when newly held. */
  hold(notification: Notification, notifier: string, now: number): boolean {
    const key = deliveryKey(notification.id, notifier);
    if (this.memory.answer(key) || this.memory.isHeld(key)) return false;
    if (this.store.seqOf(notification.id, notifier) !== undefined) return false;
    const held = this.memory.hold(key, { notifier, notification, enqueuedAt: now, nextAttemptAt: now });
    if (!held) this.onOverflow(notifier);
    return held;
  }

  /** The oldest delivery of a notifier not yet answered: the stored head, or an older one held in memory. */
  next(notifier: string): Candidate | undefined {
    let row: Candidate | undefined;
    for (const head of this.store.heads(notifier, this.memory.answersOf(notifier) + 1)) {
      const key = deliveryKey(head.notification.id, notifier);
      if (this.memory.answer(key)) continue;
      const dueAt = Math.max(head.nextAttemptAt, this.memory.retryAt(key) ?? 0);
      row = { key, notifier, seq: head.seq, notification: head.notification, enqueuedAt: head.enqueuedAt, dueAt };
      break;
    }
    for (let held = this.memory.oldestUnstored(notifier); held; held = this.memory.oldestUnstored(notifier)) {
      const { key, delivery } = held;
      if (this.store.seqOf(delivery.notification.id, notifier) !== undefined) {
        this.memory.dropUnstored(key);
        continue;
      }
      if (row && row.enqueuedAt <= delivery.enqueuedAt) break;
      const { notification, enqueuedAt, nextAttemptAt } = delivery;
      return { key, notifier, notification, enqueuedAt, dueAt: nextAttemptAt };
    }
    return row;
  }

  /** Remembers a final answer (2xx, rejected) until its record is written; see {@link recordAnswers}. */
  answer(c: Candidate, outcome: 'sent' | 'failed', error?: string): void {
    const answer: Answer = { outcome, notificationId: c.notification.id, notifier: c.notifier, seq: c.seq };
    this.memory.answered(c.key, error === undefined ? answer : { ...answer, error });
  }

  /** Schedules the next attempt: in the store, or in memory when the store refuses it or never had the delivery. */
  retryLater(c: Candidate, at: number, error: string): void {
    const seq = c.seq;
    if (seq === undefined) {
      this.memory.heldRetry(c.key, at);
      return;
    }
    const stored = guardedWrite(this.db, 'outbox', () => (this.store.reschedule(seq, at, error), true), false);
    this.memory.setRetryAt(c.key, stored ? undefined : at);
  }

  /**
   * Writes the records of answers kept in memory; stops at the first the store refuses and leaves the store alone
   * for {@link STORE_RETRY_MS}. Returns false when a record failed (try again later), true otherwise.
   */
  recordAnswers(now: number, force = false): boolean {
    if (!force && now < this.recordAfter) return true;
    for (const key of this.memory.answerKeys()) {
      const answer = this.memory.answer(key) as Answer;
      const seq = this.store.seqOf(answer.notificationId, answer.notifier);
      if (seq === undefined) {
        if (answer.seq !== undefined) this.memory.recorded(key);
        continue;
      }
      if (!guardedWrite(this.db, 'outbox', () => (this.record(seq, answer), true), false)) {
        this.recordAfter = now + STORE_RETRY_MS;
        return false;
      }
      this.memory.recorded(key);
    }
    return true;
  }

  /** After a sweep: whether `c` (too old) is still there because the store refused it; then it is dropped in memory. */
  droppedInMemory(c: Candidate): boolean {
    const { key, notifier, seq } = c;
    const notificationId = c.notification.id;
    const kept = seq === undefined ? this.memory.isHeld(key) : this.store.seqOf(notificationId, notifier) !== undefined;
    if (!kept) return false;
    this.memory.answered(key, { outcome: 'expired', notificationId, notifier, seq });
    return true;
  }

  /** Drops pending deliveries enqueued at or before `cutoff`, stored and held; how many went, by notifier. */
  sweep(cutoff: number): { notifier: string; count: number }[] {
    const fromStore = guardedWrite(this.db, 'outbox', () => this.store.expire(cutoff), []);
    const fromMemory = [...this.memory.expire(cutoff)].map(([notifier, count]) => ({ notifier, count }));
    return [...fromStore, ...fromMemory];
  }

  /** Makes every stored pending delivery due now (at start). */
  makeAllDue(now: number): void {
    guardedWrite(this.db, 'outbox', () => this.store.makeAllDue(now), undefined);
  }

  /** Pending deliveries by notifier (stored and held, less those answered), sorted by notifier name. */
  pending(): { notifier: string; count: number; oldestEnqueuedAt: number }[] {
    const by = new Map<string, { count: number; oldestEnqueuedAt: number }>();
    const add = (notifier: string, count: number, oldest: number) => {
      const p = by.get(notifier) ?? { count: 0, oldestEnqueuedAt: oldest };
      by.set(notifier, { count: p.count + count, oldestEnqueuedAt: Math.min(p.oldestEnqueuedAt, oldest) });
    };
    for (const p of this.store.pending()) add(p.notifier, p.count, p.oldestEnqueuedAt);
    for (const [notifier, p] of this.memory.unstoredByNotifier()) add(notifier, p.count, p.oldestEnqueuedAt);
    for (const key of this.memory.answerKeys()) {
      const a = this.memory.answer(key) as Answer;
      if (a.seq !== undefined && by.has(a.notifier)) add(a.notifier, -1, Infinity);
    }
    return [...by]
      .filter(([, p]) => p.count > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([notifier, p]) => ({ notifier, ...p }));
  }

  /** What memory holds that the store does not: held deliveries, and stored ones answered but not recorded. */
  unrecorded(): { unstored: number; owed: number } {
    const owed = this.memory.answerKeys().filter((key) => this.memory.answer(key)?.seq !== undefined).length;
    return { unstored: this.memory.heldCount(), owed };
  }

  private record(seq: number, answer: Answer): void {
    if (answer.outcome === 'sent') this.store.delivered(seq);
    else if (answer.outcome === 'failed') this.store.fail(seq, answer.error ?? 'rejected');
    else this.store.drop(seq);
  }
}
