import { Backoff } from '../shared/backoff';
import type { Store } from '../agent/store/database';
import { storeHealthOf } from '../agent/store/storeHealth';
import { formatDuration } from '../config/duration';
import type { Notification } from './alert';
import type { DeliveryCount, DeliveryOutcome } from './deliveryCounters';
import { DeliveryCounters } from './deliveryCounters';
import type { DeliveryResult, Notifier } from './notifiers/notifier';
import { OutboxLedger, STORE_RETRY_MS, type Candidate } from './outboxLedger';

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

const realTimers: OutboxTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The persisted outbox: `enqueue` stores one delivery per notifier before returning; the delivery loop sends them
 * oldest first, one request in flight per notifier (a notifier that is down holds up only its own queue), retries
 * what is retryable with capped exponential backoff (or the endpoint's own wait), and drops what is rejected or too
 * old. Undelivered rows survive a restart; a delivery answered with 2xx is recorded at once and not sent again (a
 * crash between the answer and that record is the one way a receiver can see a notification twice: deduplicate on
 * its id). Logs one line per change of a notifier's health, not one per retry.
 *
 * When the store cannot be written (disk full), nothing is sent twice while the process runs (see
 * {@link OutboxLedger}): an answer whose record fails is kept in memory and only the record is retried, never the
 * request; a delivery the store could not take (see {@link hold}) is delivered from memory, and recorded, not sent,
 * once the store takes it.
 */
export class Outbox {
  private readonly db: Store;
  private readonly ledger: OutboxLedger;
  private readonly lanes = new Map<string, Lane>();
  private readonly counters = new DeliveryCounters();
  private readonly logger: OutboxLogger;
  private readonly now: () => number;
  private readonly timers: OutboxTimers;
  private readonly maxAgeMs: number;
  private readonly stopGraceMs: number;
  private readonly sweepIntervalMs: number;
  private overflows = 0;
  private running = false;
  private sweepTimer: unknown;
  private recordTimer: unknown;

  constructor(options: OutboxOptions) {
    this.db = options.store;
    this.logger = options.logger;
    this.ledger = new OutboxLedger(options.store, (notifier) => this.overflowed(notifier));
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
    const inTransaction = this.db.inTransaction;
    this.ledger.enqueue(notification, names, this.now());
    const wake = () => names.forEach((name) => this.kick(this.lanes.get(name) as Lane));
    if (inTransaction) queueMicrotask(wake);
    else wake();
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
      if (lane && this.ledger.hold(notification, name, now)) this.kick(lane);
    }
  }

  /** Starts delivering: what was left from before is due at once; expired rows are swept now and every minute. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.ledger.makeAllDue(this.now());
    this.sweep();
    this.reportOrphans();
    this.scheduleSweep();
    for (const lane of this.lanes.values()) this.kick(lane);
  }

  /**
   * Stops delivering; waits for requests in flight (aborting them after the grace period, leaving them pending);
   * writes the records still owed, and says what the store could not take or record.
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
    this.ledger.recordAnswers(this.now(), true);
    this.reportUnrecorded();
  }

  /** Results since this outbox was built (every configured notifier and outcome, zeros included) and what is pending. */
  metrics(): OutboxMetrics {
    const now = this.now();
    const pending = this.ledger
      .pending()
      .map((p) => ({ notifier: p.notifier, count: p.count, oldestAgeMs: Math.max(0, now - p.oldestEnqueuedAt) }));
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
      const next = this.ledger.next(lane.notifier.name);
      if (!next) return;
      const now = this.now();
      if (next.enqueuedAt <= now - this.maxAgeMs) {
        this.sweep();
        if (this.ledger.droppedInMemory(next)) this.count(next.notifier, 'expired');
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

  /** Writes the records the ledger owes the store; when the store refuses, every lane looks again later. */
  private recordAnswers(): void {
    if (this.ledger.recordAnswers(this.now()) || !this.running) return;
    this.timers.clearTimeout(this.recordTimer);
    this.recordTimer = this.timers.setTimeout(() => {
      for (const lane of this.lanes.values()) this.kick(lane);
    }, STORE_RETRY_MS);
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
      this.ledger.answer(next, 'sent');
      this.recordAnswers();
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
      this.ledger.retryLater(next, now + (result.retryAfterMs ?? lane.backoff.next()), result.error);
      this.count(name, 'retried');
      lane.failedAttempts += 1;
      if (lane.failingSince === undefined) {
        lane.failingSince = now;
        this.logger.warn(`notifier ${name} is failing; retrying with backoff`, { notifier: name, error: result.error });
      }
      return;
    }
    this.ledger.answer(next, 'failed', result.error);
    this.recordAnswers();
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

  private sweep(): void {
    const age = formatDuration(this.maxAgeMs);
    for (const { notifier, count } of this.ledger.sweep(this.now() - this.maxAgeMs)) {
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
    for (const { notifier, count } of this.ledger.pending()) {
      if (this.lanes.has(notifier)) continue;
      const message = `notifier ${notifier} is no longer configured; its pending notifications will expire`;
      this.logger.warn(message, { notifier, count });
    }
  }

  /** At stop: says what the store could not take or record, since memory is about to go. */
  private reportUnrecorded(): void {
    const { unstored, owed } = this.ledger.unrecorded();
    if (unstored > 0) {
      const message = `outbox: ${unstored} deliveries the store could not take were not delivered before stop`;
      this.logger.error(`${message}; they are kept only if the last commit stores them`, { count: unstored });
    }
    if (owed > 0) {
      const message = `outbox: the store could not record ${owed} answered deliveries; they are sent again after a restart`;
      this.logger.error(message, { count: owed });
    }
  }

  /** A delivery dropped because neither the store nor memory could hold it: counted as failed, logged per 1000. */
  private overflowed(notifier: string): void {
    this.count(notifier, 'failed');
    this.overflows += 1;
    if (this.overflows % 1000 === 1) {
      this.logger.error('outbox: the store refuses writes and memory is full; notifications are dropped', {
        notifier,
        dropped: this.overflows,
      });
    }
  }

  private count(notifier: string, outcome: DeliveryOutcome, n = 1): void {
    this.counters.add(notifier, outcome, n);
  }
}
