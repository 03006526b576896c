import type { Logger, ScheduledTask } from 'node-cron';
import { createTask } from 'node-cron';
import type { DigestNotification } from './alert';
import type { DigestAccumulator } from './digest';
import { compileMaintenance, lastOpening } from './maintenance';

/** What a digest schedule needs: when (cron and time zone, as in `alerts.digest`), what to count, where to send. */
export type DigestScheduleOptions = {
  schedule: string;
  /** IANA name; UTC when absent (never the process's local zone). */
  timezone?: string;
  digest: DigestAccumulator;
  /** Receives each digest (queue it in the outbox for the digest's notifiers); must not throw. */
  send: (digest: DigestNotification) => void;
  now?: () => number;
  /** Where node-cron reports missed or failed runs (the agent's logger); node-cron's console logger by default. */
  logger?: Logger;
};

/**
 * Sends the digest on a node-cron schedule. A run the agent missed while it was down is made up at `start()`: when the
 * schedule fired since the current period began, the digest goes out at once.
 */
export class DigestSchedule {
  private task: ScheduledTask | undefined;
  private readonly now: () => number;

  constructor(private readonly options: DigestScheduleOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Starts the schedule (sending a missed digest first); a second call does nothing. */
  start(): void {
    if (this.task) return;
    const { schedule, timezone = 'UTC', logger } = this.options;
    if (this.missedRun()) this.sendNow();
    this.task = createTask(schedule, () => void this.sendNow(), {
      timezone,
      noOverlap: true,
      name: 'dockwatch-digest',
      ...(logger ? { logger } : {}),
    });
    void this.task.start();
  }

  /** Stops the schedule and releases node-cron's task. */
  stop(): void {
    const task = this.task;
    this.task = undefined;
    if (task) void task.destroy();
  }

  /** Builds the digest of the period so far, starts a new period and sends it; returns what it sent. */
  sendNow(): DigestNotification {
    const digest = this.options.digest;
    const notification = digest.build(digest.since, this.now());
    this.options.send(notification);
    return notification;
  }

  /** Whether the schedule fired after the current period began (the agent was down at the time). */
  private missedRun(): boolean {
    const now = this.now();
    const since = this.options.digest.since;
    if (now <= since) return false;
    const { schedule, timezone = 'UTC' } = this.options;
    const [window] = compileMaintenance([{ schedule, timezone, duration: now - since }]);
    return lastOpening(window!, now) !== undefined;
  }
}
