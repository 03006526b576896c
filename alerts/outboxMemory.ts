import type { Notification } from './alert';

/**
 * A delivery's final answer, to be recorded in the store: sent (2xx), rejected, or too old; `seq` is its row when it
 * was sent from the store (absent when it was sent from memory, before the store had it).
 */
export type Answer = {
  outcome: 'sent' | 'failed' | 'expired';
  error?: string;
  notificationId: string;
  notifier: string;
  seq?: number;
};

/** A delivery decided while the store could not be written: held here and delivered from memory. */
export type UnstoredDelivery = {
  notifier: string;
  notification: Notification;
  enqueuedAt: number;
  nextAttemptAt: number;
};

/** Identifies one delivery across the store and memory: a notification to one notifier. */
export function deliveryKey(notificationId: string, notifier: string): string {
  return `${notificationId}\u0000${notifier}`;
}

/** At most this many deliveries are held in memory; more wait in the decider's own memory until the store works. */
const MAX_UNSTORED = 10_000;

/**
 * The outbox's memory of what the store could not (yet) record, so that a failing store never makes a notification
 * go out twice: deliveries answered (2xx, rejected, expired) whose record failed, the retry time of a delivery whose
 * reschedule failed, and deliveries that could not be stored at all. Each entry goes once the store has the record.
 */
export class OutboxMemory {
  private readonly answers = new Map<string, Answer>();
  private readonly retries = new Map<string, number>();
  private readonly unstored = new Map<string, UnstoredDelivery>();

  /** The final answer of a delivery whose record is still to be written. */
  answer(key: string): Answer | undefined {
    return this.answers.get(key);
  }

  /** Remembers a final answer until its record is written. */
  answered(key: string, answer: Answer): void {
    this.answers.set(key, answer);
    this.retries.delete(key);
    this.unstored.delete(key);
  }

  /** The record of the answer is written: forgets the delivery. */
  recorded(key: string): void {
    this.answers.delete(key);
    this.retries.delete(key);
    this.unstored.delete(key);
  }

  /** Answers of one notifier still to be recorded. */
  answersOf(notifier: string): number {
    let n = 0;
    for (const a of this.answers.values()) if (a.notifier === notifier) n += 1;
    return n;
  }

  /** Every delivery with an answer still to be recorded. */
  answerKeys(): string[] {
    return [...this.answers.keys()];
  }

  /** The next attempt of a stored delivery whose reschedule could not be written. */
  retryAt(key: string): number | undefined {
    return this.retries.get(key);
  }

  /** Sets (or, with undefined, forgets) the in-memory retry time of a stored delivery. */
  setRetryAt(key: string, at: number | undefined): void {
    if (at === undefined) this.retries.delete(key);
    else this.retries.set(key, at);
  }

  /** Holds a delivery the store could not take, unless it is known already; false when memory is full. */
  hold(key: string, delivery: UnstoredDelivery): boolean {
    if (this.answers.has(key) || this.unstored.has(key)) return true;
    if (this.unstored.size >= MAX_UNSTORED) return false;
    this.unstored.set(key, delivery);
    return true;
  }

  /** The oldest held delivery of a notifier, with its key. */
  oldestUnstored(notifier: string): { key: string; delivery: UnstoredDelivery } | undefined {
    let oldest: { key: string; delivery: UnstoredDelivery } | undefined;
    for (const [key, delivery] of this.unstored) {
      if (delivery.notifier !== notifier) continue;
      if (!oldest || delivery.enqueuedAt < oldest.delivery.enqueuedAt) oldest = { key, delivery };
    }
    return oldest;
  }

  /** Whether a delivery is held in memory (not stored, not answered). */
  isHeld(key: string): boolean {
    return this.unstored.has(key);
  }

  /** Sets when a held delivery is tried again after a retryable failure. */
  heldRetry(key: string, at: number): void {
    const delivery = this.unstored.get(key);
    if (delivery) delivery.nextAttemptAt = at;
  }

  /** Forgets a held delivery (the store has it now). */
  dropUnstored(key: string): void {
    this.unstored.delete(key);
  }

  /** Held deliveries by notifier: how many and the oldest enqueue time. */
  unstoredByNotifier(): Map<string, { count: number; oldestEnqueuedAt: number }> {
    const by = new Map<string, { count: number; oldestEnqueuedAt: number }>();
    for (const d of this.unstored.values()) {
      const p = by.get(d.notifier) ?? { count: 0, oldestEnqueuedAt: d.enqueuedAt };
      p.count += 1;
      p.oldestEnqueuedAt = Math.min(p.oldestEnqueuedAt, d.enqueuedAt);
      by.set(d.notifier, p);
    }
    return by;
  }

  /**
   * Drops held deliveries enqueued at or before `cutoff`; returns how many, by notifier. Answers stay until recorded:
   * the decider may still store the notification, and its row must then be recorded, not sent.
   */
  expire(cutoff: number): Map<string, number> {
    const dropped = new Map<string, number>();
    for (const [key, d] of this.unstored) {
      if (d.enqueuedAt > cutoff) continue;
      this.unstored.delete(key);
      this.retries.delete(key);
      dropped.set(d.notifier, (dropped.get(d.notifier) ?? 0) + 1);
    }
    return dropped;
  }

  /** How many deliveries are held. */
  heldCount(): number {
    return this.unstored.size;
  }
}
