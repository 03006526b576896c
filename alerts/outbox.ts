import { Backoff } from '../agent/engine/backoff';
import type { Store } from '../agent/store/database';
import { formatDuration } from '../config/duration';
import type { Notification } from './alert';
import type { DeliveryCount, DeliveryOutcome } from './deliveryCounters';
import { DeliveryCounters } from './deliveryCounters';
import type { DeliveryResult, Notifier } from './notifiers/notifier';
import type { PendingDelivery } from './outboxStore';
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
 */
export class Outbox {
  private readonly store: OutboxStore;
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

  constructor(options: OutboxOptions) {
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

  /** Persists one delivery of `notification` per named notifier (one transaction), then wakes those notifiers. */
  enqueue(notification: Notification, notifierNames: readonly string[]): void {
    const names = [...new Set(notifierNames)];
    const unknown = names.filter((name) => !this.lanes.has(name));
    if (unknown.length) throw new Error(`no notifier named ${unknown.map((n) => JSON.stringify(n)).join(', ')}`);
    this.store.enqueue(notification, names, this.now());
    for (const name of names) this.kick(this.lanes.get(name) as Lane);
  }

  /** Starts delivering: what was left from before is due at once; expired rows are swept now and every minute. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.store.makeAllDue(this.now());
    this.sweep();
    this.reportOrphans();
    this.scheduleSweep();
    for (const lane of this.lanes.values()) this.kick(lane);
  }

  /** Stops delivering; waits for requests in flight (aborting them after the grace period, leaving them pending). */
  async stop(): Promise<void> {
    this.running = false;
    this.timers.clearTimeout(this.sweepTimer);
    const inFlight: NonNullable<Lane['inFlight']>[] = [];
    for (const lane of this.lanes.values()) {
      this.timers.clearTimeout(lane.timer);
      lane.timer = undefined;
      if (lane.inFlight) inFlight.push(lane.inFlight);
    }
    if (inFlight.length === 0) return;
    const abort = this.timers.setTimeout(() => inFlight.forEach((f) => f.controller.abort()), this.stopGraceMs);
    await Promise.all(inFlight.map((f) => f.done));
    this.timers.clearTimeout(abort);
  }

  /** Results since this outbox was built (every configured notifier and outcome, zeros included) and what is pending. */
  metrics(): OutboxMetrics {
    const now = this.now();
    const pending = this.store
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
    for (;;) {
      const head = this.store.head(lane.notifier.name);
      if (!head) return;
      const now = this.now();
      if (head.enqueuedAt <= now - this.maxAgeMs) {
        this.sweep();
        continue;
      }
      if (head.nextAttemptAt > now) {
        lane.timer = this.timers.setTimeout(() => {
          lane.timer = undefined;
          this.kick(lane);
        }, head.nextAttemptAt - now);
        return;
      }
      this.send(lane, head);
      return;
    }
  }

  private send(lane: Lane, head: PendingDelivery): void {
    const controller = new AbortController();
    const done = this.attempt(lane, head, controller.signal).finally(() => {
      lane.inFlight = undefined;
      this.kick(lane);
    });
    lane.inFlight = { controller, done };
  }

  private async attempt(lane: Lane, head: PendingDelivery, signal: AbortSignal): Promise<void> {
    let result: DeliveryResult;
    try {
      result = await lane.notifier.deliver(head.notification, signal);
    } catch (err) {
      const kind = err instanceof Error ? err.name : typeof err;
      result = { ok: false, retry: true, error: `${lane.notifier.name}: unexpected ${kind} while delivering` };
    }
    if (signal.aborted && !result.ok) return;
    this.settle(lane, head, result);
  }

  private settle(lane: Lane, head: PendingDelivery, result: DeliveryResult): void {
    const name = lane.notifier.name;
    const now = this.now();
    if (result.ok) {
      this.store.delivered(head.seq);
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
      const delay = result.retryAfterMs ?? lane.backoff.next();
      this.store.reschedule(head.seq, now + delay, result.error);
      this.count(name, 'retried');
      lane.failedAttempts += 1;
      if (lane.failingSince === undefined) {
        lane.failingSince = now;
        this.logger.warn(`notifier ${name} is failing; retrying with backoff`, { notifier: name, error: result.error });
      }
      return;
    }
    this.store.fail(head.seq, result.error);
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
      notification: head.notification.id,
      error: result.error,
    });
  }

  private sweep(): void {
    const age = formatDuration(this.maxAgeMs);
    for (const { notifier, count } of this.store.expire(this.now() - this.maxAgeMs)) {
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
      this.sweep();
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

  private count(notifier: string, outcome: DeliveryOutcome, n = 1): void {
    this.counters.add(notifier, outcome, n);
  }
}
