import { Backoff } from '../agent/engine/backoff';
import type { Store } from '../agent/store/database';
import { guardedWrite, storeHealthOf } from '../agent/store/storeHealth';
import { formatDuration } from '../config/duration';
import type { Notification } from './alert';
import type { DeliveryCount, DeliveryOutcome } from './deliveryCounters';
import { DeliveryCounters } from './deliveryCounters';
import type { DeliveryResult, Notifier } from './notifiers/notifier';
import { deliveryKey, OutboxMemory, type Answer } from './outboxMemory';
import { OutboxStore } from './outboxStore';

/** The logging the outbox needs (a winston logger fits). */
export type OutboxLogger = {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
};

/** Timer functions, injectable so tests can drive time. */
export type OutboxTimers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** How the outbox is built; only `store`, `notifiers` and `logger` are required. */
export type OutboxOptions = {
  /** The agent's store (openStore); the outbox adds its own tables. */
  store: Store;
  notifiers: readonly Notifier[];
  logger: OutboxLogger;
  now?: () => number;
  timers?: OutboxTimers;
  random?: () => number;
  /** Undelivered notifications older than this are dropped and counted as expired; default 24h. */
  maxAgeMs?: number;
  /** First retry delay, doubling per failure (±20% jitter) up to `maxBackoffMs`; defaults 1s and 5m. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long `stop` waits for requests in flight before aborting them; default 5s. */
  stopGraceMs?: number;
  /** How often expired rows are swept; default 1m. */
  sweepIntervalMs?: number;
};

/** Counters and gauges for metrics: results since start by notifier, and what is still pending. */
export type OutboxMetrics = {
  results: DeliveryCount[];
  pending: { notifier: string; count: number; oldestAgeMs: number }[];
  pendingTotal: number;
  /** Age of the oldest pending delivery; 0 when nothing is pending. */
  oldestPendingAgeMs: number;
};

type Lane = {
  notifier: Notifier;
  backoff: Backoff;
  timer?: unknown;
  inFlight?: { controller: AbortController; done: Promise<void> };
  failingSince?: number;
  failedAttempts: number;
  goneReported: boolean;
};

/** The next delivery of a lane: a stored row (`seq`) or one held in memory because the store could not take it. */
type Candidate = {
  key: string;
  notifier: string;
  seq?: number;
  notification: Notification;
  enqueuedAt: number;
  dueAt: number;
};

const realTimers: OutboxTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How long a failing store is left alone before the records it refused are written again. */
const STORE_RETRY_MS = 5_000;

/**
 * The persisted outbox: `enqueue` stores one delivery per notifier before returning; the delivery loop sends them
 * oldest first, one request in flight per notifier (a notifier that is down holds up only its own queue), retries
 * what is retryable with capped exponential backoff (or the endpoint's own wait), and drops what is rejected or too
 * old. Undelivered rows survive a restart; a delivery answered with 2xx is recorded at once and not sent again (a
 * crash between the answer and that record is the one way a receiver can see a notification twice: deduplicate on
 * its id). Logs one line per change of a notifier's health, not one per retry.
 *
 * When the store cannot be written (disk full), nothing is sent twice while the process runs: an answer whose record
 * fails is kept in memory and only the record is retried, never the request; a delivery the store could not take
 * (see {@link hold}) is delivered from memory, and recorded, not sent, once the store takes it.
 */
export class Outbox {
  private readonly db: Store;
  private readonly store: OutboxStore;
  private readonly memory = new OutboxMemory();
  private readonly lanes = new Map<string, Lane>();
  private readonly counters = new DeliveryCounters();
  private readonly logger: OutboxLogger;
  private readonly now: () => number;
  private readonly timers: OutboxTimers;
  private readonly maxAgeMs: number;
  private readonly stopGraceMs: number;
  private readonly sweepIntervalMs: number;
  private running = false;
  private sweepTimer: unknown;
  private recordTimer: unknown;
  private recordAfter = 0;

  constructor(options: OutboxOptions) {
    this.db = options.store;
    this.store = new OutboxStore(options.store);
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 3_600_000;
    this.stopGraceMs = options.stopGraceMs ?? 5_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    for (const notifier of options.notifiers) {
      if (this.lanes.has(notifier.name)) throw new Error(`two notifiers are named ${JSON.stringify(notifier.name)}`);
      const backoff = new Backoff(options.initialBackoffMs ?? 1_000, options.maxBackoffMs ?? 300_000, options.random);
      this.lanes.set(notifier.name, { notifier, backoff, failedAttempts: 0, goneReported: false });
      this.counters.declare(notifier.name);
    }
  }

  /**
   * Persists one delivery of `notification` per named notifier (one transaction), then wakes those notifiers. Inside
   * a caller's transaction (the agent's commit) a store error is the caller's, and the notifiers wake only after it
   * ended, so nothing is sent that may be rolled back; outside one, what the store refuses is held and delivered
   * from memory.
   */
  enqueue(notification: Notification, notifierNames: readonly string[]): void {
    const names = [...new Set(notifierNames)];
    const unknown = names.filter((name) => !this.lanes.has(name));
    if (unknown.length) throw new Error(`no notifier named ${unknown.map((n) => JSON.stringify(n)).join(', ')}`);
    const now = this.now();
    if (this.db.inTransaction) {
      this.store.enqueue(notification, names, now);
      queueMicrotask(() => names.forEach((name) => this.kick(this.lanes.get(name) as Lane)));
      return;
    }
    const stored = guardedWrite(this.db, 'outbox', () => (this.store.enqueue(notification, names, now), true), false);
    if (!stored) this.hold(notification, names);
    for (const name of names) this.kick(this.lanes.get(name) as Lane);
  }

  /**
   * Delivers from memory what the store could not take (the transaction that was to enqueue it failed): each
   * delivery at most once while this process runs, also once the store takes it later. Unknown notifiers, and
   * deliveries already stored or answered, are ignored.
   */
  hold(notification: Notification, notifierNames: readonly string[]): void {
    const now = this.now();
    for (const name of new Set(notifierNames)) {
      const lane = this.lanes.get(name);
      if (!lane) continue;
      const key = deliveryKey(notification.id, name);
      if (this.memory.answer(key) || this.store.seqOf(notification.id, name) !== undefined) continue;
      this.memory.hold(key, { notifier: name, notification, enqueuedAt: now, nextAttemptAt: now });
      this.kick(lane);
    }
  }

  /** Starts delivering: what was left from before is due at once; expired rows are swept now and every minute. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.now();
    guardedWrite(this.db, 'outbox', () => this.store.makeAllDue(now), undefined);
    this.sweep();
    this.reportOrphans();
    this.scheduleSweep();
    for (const lane of this.lanes.values()) this.kick(lane);
  }

  /**
   * Stops delivering; waits for requests in flight (aborting them after the grace period, leaving them pending);
   * writes the records still owed, and says what the store could not take.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.timers.clearTimeout(this.sweepTimer);
    this.timers.clearTimeout(this.recordTimer);
    const inFlight: NonNullable<Lane['inFlight']>[] = [];
    for (const lane of this.lanes.values()) {
      this.timers.clearTimeout(lane.timer);
      lane.timer = undefined;
      if (lane.inFlight) inFlight.push(lane.inFlight);
    }
    if (inFlight.length > 0) {
      const abort = this.timers.setTimeout(() => inFlight.forEach((f) => f.controller.abort()), this.stopGraceMs);
      await Promise.all(inFlight.map((f) => f.done));
      this.timers.clearTimeout(abort);
    }
    this.recordAfter = 0;
    this.recordAnswers();
    this.reportUnrecorded();
  }

  /** Results since this outbox was built (every configured notifier and outcome, zeros included) and what is pending. */
  metrics(): OutboxMetrics {
    const now = this.now();
    const by = new Map<string, { count: number; oldest: number }>();
    const add = (notifier: string, count: number, oldest: number) => {
      const p = by.get(notifier) ?? { count: 0, oldest };
      by.set(notifier, { count: p.count + count, oldest: Math.min(p.oldest, oldest) });
    };
    for (const p of this.store.pending()) add(p.notifier, p.count, p.oldestEnqueuedAt);
    for (const [notifier, p] of this.memory.unstoredByNotifier()) add(notifier, p.count, p.oldestEnqueuedAt);
    for (const key of this.memory.answerKeys()) {
      const a = this.memory.answer(key) as Answer;
      if (a.seq !== undefined && by.has(a.notifier)) add(a.notifier, -1, Infinity);
    }
    const pending = [...by]
      .filter(([, p]) => p.count > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([notifier, p]) => ({ notifier, count: p.count, oldestAgeMs: Math.max(0, now - p.oldest) }));
    return {
      results: this.counters.values(),
      pending,
      pendingTotal: pending.reduce((sum, p) => sum + p.count, 0),
      oldestPendingAgeMs: pending.reduce((max, p) => Math.max(max, p.oldestAgeMs), 0),
    };
  }

  private kick(lane: Lane): void {
    if (!this.running || lane.inFlight) return;
    this.timers.clearTimeout(lane.timer);
    lane.timer = undefined;
    try {
      this.advance(lane);
    } catch (err) {
      storeHealthOf(this.db).failed('outbox', err);
      this.wake(lane, STORE_RETRY_MS);
    }
  }

  private advance(lane: Lane): void {
    this.recordAnswers();
    for (;;) {
      const next = this.next(lane.notifier.name);
      if (!next) return;
      const now = this.now();
      if (next.enqueuedAt <= now - this.maxAgeMs) {
        this.expire(next);
        continue;
      }
      if (next.dueAt > now) {
        this.wake(lane, next.dueAt - now);
        return;
      }
      this.send(lane, next);
      return;
    }
  }

  private wake(lane: Lane, ms: number): void {
    lane.timer = this.timers.setTimeout(() => {
      lane.timer = undefined;
      this.kick(lane);
    }, ms);
  }

  /** The oldest delivery of a notifier not yet answered: the stored head, or an older one held in memory. */
  private next(notifier: string): Candidate | undefined {
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

  private send(lane: Lane, next: Candidate): void {
    const controller = new AbortController();
    const done = this.attempt(lane, next, controller.signal).finally(() => {
      lane.inFlight = undefined;
      this.kick(lane);
    });
    lane.inFlight = { controller, done };
  }

  private async attempt(lane: Lane, next: Candidate, signal: AbortSignal): Promise<void> {
    let result: DeliveryResult;
    try {
      result = await lane.notifier.deliver(next.notification, signal);
    } catch (err) {
      const kind = err instanceof Error ? err.name : typeof err;
      result = { ok: false, retry: true, error: `${lane.notifier.name}: unexpected ${kind} while delivering` };
    }
    if (signal.aborted && !result.ok) return;
    try {
      this.settle(lane, next, result);
    } catch (err) {
      storeHealthOf(this.db).failed('outbox', err);
    }
  }

  private settle(lane: Lane, next: Candidate, result: DeliveryResult): void {
    const name = lane.notifier.name;
    const now = this.now();
    if (result.ok) {
      this.answer(next, { outcome: 'sent' });
      this.count(name, 'sent');
      lane.backoff.reset();
      lane.goneReported = false;
      if (lane.failingSince !== undefined) {
        const downFor = formatDuration(Math.max(0, Math.round((now - lane.failingSince) / 1000)) * 1000);
        const meta = { notifier: name, failedAttempts: lane.failedAttempts, downFor };
        this.logger.info(`notifier ${name} delivers again`, meta);
        lane.failingSince = undefined;
        lane.failedAttempts = 0;
      }
      return;
    }
    if (result.retry) {
      this.retryLater(next, now + (result.retryAfterMs ?? lane.backoff.next()), result.error);
      this.count(name, 'retried');
      lane.failedAttempts += 1;
      if (lane.failingSince === undefined) {
        lane.failingSince = now;
        this.logger.warn(`notifier ${name} is failing; retrying with backoff`, { notifier: name, error: result.error });
      }
      return;
    }
    this.answer(next, { outcome: 'failed', error: result.error });
    if (result.gone) {
      this.count(name, 'gone');
      if (!lane.goneReported) {
        lane.goneReported = true;
        const message = `notifier ${name}: the endpoint is gone; its notifications are dropped until it answers again`;
        this.logger.error(message, { notifier: name, error: result.error });
      }
      return;
    }
    this.count(name, 'failed');
    this.logger.error(`notifier ${name} rejected a notification; dropped, not retried`, {
      notifier: name,
      notification: next.notification.id,
      error: result.error,
    });
  }

  /** Remembers a final answer, then records it (now, or when the store takes writes again). */
  private answer(next: Candidate, answer: Pick<Answer, 'outcome' | 'error'>): void {
    const { key, notifier, seq } = next;
    this.memory.answered(key, { ...answer, notificationId: next.notification.id, notifier, seq });
    this.recordAnswers();
  }

  private retryLater(next: Candidate, at: number, error: string): void {
    const seq = next.seq;
    if (seq === undefined) {
      this.memory.heldRetry(next.key, at);
      return;
    }
    const stored = guardedWrite(this.db, 'outbox', () => (this.store.reschedule(seq, at, error), true), false);
    this.memory.setRetryAt(next.key, stored ? undefined : at);
  }

  /** Writes the records of answers kept in memory, oldest first; stops at the first failure and tries again later. */
  private recordAnswers(): void {
    if (this.now() < this.recordAfter) return;
    for (const key of this.memory.answerKeys()) {
      const answer = this.memory.answer(key) as Answer;
      const seq = this.store.seqOf(answer.notificationId, answer.notifier);
      if (seq === undefined) {
        if (answer.seq !== undefined) this.memory.recorded(key);
        continue;
      }
      if (guardedWrite(this.db, 'outbox', () => (this.record(seq, answer), true), false)) {
        this.memory.recorded(key);
        continue;
      }
      this.recordAfter = this.now() + STORE_RETRY_MS;
      if (this.running) {
        this.timers.clearTimeout(this.recordTimer);
        this.recordTimer = this.timers.setTimeout(() => {
          for (const lane of this.lanes.values()) this.kick(lane);
        }, STORE_RETRY_MS);
      }
      return;
    }
  }

  private record(seq: number, answer: Answer): void {
    if (answer.outcome === 'sent') this.store.delivered(seq);
    else if (answer.outcome === 'failed') this.store.fail(seq, answer.error ?? 'rejected');
    else this.store.drop(seq);
  }

  /** A delivery older than the max age: swept from the store (or memory), else dropped in memory and recorded later. */
  private expire(next: Candidate): void {
    this.sweep();
    const { key, notifier, seq } = next;
    const notificationId = next.notification.id;
    const kept = seq === undefined ? this.memory.isHeld(key) : this.store.seqOf(notificationId, notifier) !== undefined;
    if (!kept) return;
    this.memory.answered(key, { outcome: 'expired', notificationId, notifier, seq });
    this.count(notifier, 'expired');
  }

  private sweep(): void {
    const cutoff = this.now() - this.maxAgeMs;
    const age = formatDuration(this.maxAgeMs);
    const fromStore = guardedWrite(this.db, 'outbox', () => this.store.expire(cutoff), []);
    const fromMemory = [...this.memory.expire(cutoff)].map(([notifier, count]) => ({ notifier, count }));
    for (const { notifier, count } of [...fromStore, ...fromMemory]) {
      this.count(notifier, 'expired', count);
      this.logger.warn(`notifier ${notifier}: dropped undelivered notifications older than ${age}`, {
        notifier,
        count,
      });
    }
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.timers.setTimeout(() => {
      if (!this.running) return;
      try {
        this.sweep();
      } catch (err) {
        storeHealthOf(this.db).failed('outbox', err);
      }
      this.scheduleSweep();
    }, this.sweepIntervalMs);
  }

  private reportOrphans(): void {
    for (const { notifier, count } of this.store.pending()) {
      if (this.lanes.has(notifier)) continue;
      const message = `notifier ${notifier} is no longer configured; its pending notifications will expire`;
      this.logger.warn(message, { notifier, count });
    }
  }

  /** At stop: says what the store could not take or record, since memory is about to go. */
  private reportUnrecorded(): void {
    const { unstored } = this.memory.sizes();
    if (unstored > 0) {
      const message = `outbox: ${unstored} deliveries the store could not take were not delivered before stop`;
      this.logger.error(`${message}; they are kept only if the last commit stores them`, { count: unstored });
    }
    const owed = this.memory.answerKeys().filter((key) => this.memory.answer(key)?.seq !== undefined).length;
    if (owed > 0) {
      const message = `outbox: the store could not record ${owed} answered deliveries; they are sent again after a restart`;
      this.logger.error(message, { count: owed });
    }
  }

  private count(notifier: string, outcome: DeliveryOutcome, n = 1): void {
    this.counters.add(notifier, outcome, n);
  }
}
