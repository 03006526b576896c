import type { EngineEvent } from '../agent/engine/engineEvent';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { LogEntry } from '../agent/logs/logEntry';
import type { Logger } from '../shared/logger';
import type { ContainerSample } from '../agent/stats/containerSample';
import type { Statement } from 'better-sqlite3';
import { migrate, type Store } from '../agent/store/database';
import type { CommitParticipant } from '../agent/store/storeCommitter';
import type { Config } from '../config/schema';
import type { Notification } from './alert';
import { DigestAccumulator } from './digest';
import { DigestSchedule } from './digestSchedule';
import { DigestStateStore } from './digestStore';
import { maintenanceCheck } from './maintenance';
import { AlertEngine, type AlertOutput } from './alertEngine';
import type { ImageUpdate } from './inputs';
import { AlertRunner, realTimers, type Timers } from './alertRunner';
import { MetricsSnapshotBuilder, toContainerEvent, toLogLine } from './agentInputs';
import { buildNotifiers } from './notifiers/buildNotifiers';
import type { Notifier } from './notifiers/notifier';
import { Outbox } from './outbox';
import { resendNotifications } from './resendNotifications';
import { ResendSchedule } from './resendSchedule';

/** What the pipeline reads from the agent. */
export type AlertPipelineSources = {
  running: () => ContainerRecord[];
  record: (id: string) => ContainerRecord | undefined;
  sample: (id: string) => ContainerSample | undefined;
  /** Asks the agent to commit soon (a notification waits to be queued). */
  requestCommit: () => void;
};

const STATE_KEY = 'engine';
/** Longest time between engine ticks when nothing is due (maintenance windows opening or closing). */
const MAX_IDLE_MS = 5000;

/**
 * The alerting side of the agent: feeds logs, events, engine state and sampling passes to the rule engine (through an
 * {@link AlertRunner}, which ticks it at its deadlines), and commits what it decides (notifications into the outbox,
 * its own state) in the agent's shared transaction, so after a crash nothing is lost and nothing sent twice. Also
 * re-sends firing alerts to notifiers that expire what is not re-sent (Alertmanager), on a clock of their own.
 */
export class AlertPipeline implements CommitParticipant {
  readonly engine: AlertEngine;
  readonly outbox: Outbox;
  private readonly notifiers: Notifier[];
  private readonly snapshots = new MetricsSnapshotBuilder();
  private pending: { notification: Notification; notifiers: string[] }[] = [];
  private readonly digest: DigestAccumulator;
  private readonly digestState: DigestStateStore;
  private readonly digestSchedule: DigestSchedule | undefined;
  private savedRevision = -1;
  private savingRevision = -1;
  private savedState = '';
  private savingState = '';
  /** The engine's state as JSON at one revision: idle() and the commit after it serialise it once, not twice. */
  private stateAt: { revision: number; json: string } | undefined;
  private wake: (() => void) | undefined;
  private readonly saveState: Statement<[string, string]>;
  private readonly runner: AlertRunner;
  private readonly resends: ResendSchedule;
  private resendTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly config: Config,
    store: Store,
    private readonly sources: AlertPipelineSources,
    logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly timers: Timers = realTimers,
  ) {
    const built = buildNotifiers(config.notifiers, now);
    if (built.errors.length) throw new Error(`notifiers: ${built.errors.join('; ')}`);
    this.notifiers = built.notifiers;
    const host = config.agent.hostName;
    this.digest = new DigestAccumulator(host, now());
    this.digestState = new DigestStateStore(store, host, this.digest);
    this.digestState.load();
    this.engine = new AlertEngine(config.alerts, {
      hostName: host,
      now,
      isInMaintenance: maintenanceCheck(config.alerts.maintenance),
      onLogMatch: (line, rules) => {
        this.digest.logMatch(line.container.name, rules);
        this.wake?.();
      },
    });
    const digestTo = config.alerts.digest.notifiers;
    this.digestSchedule = digestTo.length
      ? new DigestSchedule({
          schedule: config.alerts.digest.schedule,
          timezone: config.alerts.digest.timezone,
          digest: this.digest,
          now,
          send: (notification) => {
            this.pending.push({ notification, notifiers: [...digestTo] });
            this.sources.requestCommit();
          },
        })
      : undefined;
    this.outbox = new Outbox({ store, notifiers: this.notifiers, logger, now });
    migrate(store, [
      { name: 'alerts-1-state', sql: 'CREATE TABLE alert_state (key TEXT PRIMARY KEY, json TEXT NOT NULL)' },
    ]);
    this.saveState = store.prepare(
      'INSERT INTO alert_state (key, json) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET json = excluded.json',
    );
    const row = store.prepare('SELECT json FROM alert_state WHERE key = ?').get(STATE_KEY) as
      { json: string } | undefined;
    if (row) this.engine.restore(JSON.parse(row.json));
    this.savedState = row?.json ?? '';
    this.runner = new AlertRunner(this.engine, (outputs) => this.take(outputs), now, {
      maxIdleMs: MAX_IDLE_MS,
      timers,
      evaluated: () => {
        if (this.engine.revision !== this.savedRevision) this.wake?.();
      },
    });
    this.resends = new ResendSchedule(
      this.notifiers.flatMap((n) =>
        n.resendIntervalMs === undefined ? [] : [{ name: n.name, intervalMs: n.resendIntervalMs }],
      ),
    );
  }

  /** Whether any log rule exists (the agent tails logs only then). */
  get wantsLogs(): boolean {
    return this.config.alerts.rules.some((r) => r.kind === 'log');
  }

  /** Starts delivery and the engine's clock. */
  start(): void {
    this.outbox.start();
    this.digestSchedule?.start();
    this.runner.start();
    this.resends.start(this.now());
    this.armResend();
  }

  /** A tailed log event. */
  onLogEntry(entry: LogEntry): void {
    this.runner.feed((e) => e.log(toLogLine(entry)));
  }

  /** An engine event (also those replayed after a restart). */
  onEngineEvent(event: EngineEvent): void {
    const input = toContainerEvent(event, this.sources.record(event.Actor.ID));
    if (!input) return;
    this.digest.event(input);
    this.wake?.();
    this.runner.feed((e) => e.event(input));
  }

  /** What the update check found for a running watched container. */
  onImageUpdate(update: ImageUpdate): void {
    this.runner.feed((e) => e.imageUpdate(update));
  }

  /** The engine became reachable or not. */
  onEngineState(up: boolean): void {
    this.runner.feed((e) => e.engineState(up));
    if (up) this.onContainersChanged();
  }

  /** The running containers changed (after a resync). */
  onContainersChanged(): void {
    const running = this.sources.running().map((r) => ({ id: r.id, name: r.name, labels: r.labels }));
    this.runner.feed((e) => e.containers(running));
  }

  /** A sampling pass finished. */
  onSamplingPass(): void {
    const snapshot = this.snapshots.build(this.sources.running(), this.sources.sample, this.now());
    this.runner.feed((e) => e.metrics(snapshot));
  }

  /** The silences changed (control API): re-evaluates now, so a lifted silence notifies at once, and stores them. */
  changed(): void {
    this.runner.feed((e) => e.tick());
    this.sources.requestCommit();
  }

  /** Keeps the committer's wake-up: called when a notification, the digest or the engine's state may have changed. */
  watch(changed: () => void): void {
    this.wake = changed;
  }

  /** Whether nothing waits to be queued and the stored digest and engine state are the current ones. */
  idle(): boolean {
    if (this.pending.length > 0 || !this.digestState.idle()) return false;
    const revision = this.engine.revision;
    if (revision === this.savedRevision) return true;
    if (this.stateJson(revision) !== this.savedState) return false;
    this.savedRevision = revision;
    return true;
  }

  /** Queues the decided notifications and stores the engine's state when it changed (inside the agent's transaction). */
  commit(): void {
    for (const out of this.pending) {
      if (out.notifiers.length) this.outbox.enqueue(out.notification, out.notifiers);
    }
    this.digestState.commit();
    const revision = this.engine.revision;
    this.savingState = this.savedState;
    if (revision !== this.savedRevision) {
      const state = this.stateJson(revision);
      if (state !== this.savedState) this.saveState.run(STATE_KEY, state);
      this.savingState = state;
    }
    this.savingRevision = revision;
  }

  /** The transaction failed (disk full): what it was to queue is delivered from memory meanwhile, at most once. */
  uncommitted(): void {
    for (const out of this.pending) if (out.notifiers.length) this.outbox.hold(out.notification, out.notifiers);
  }

  /** Forgets what the transaction stored. */
  committed(): void {
    this.digestState.committed();
    this.pending = [];
    this.savedRevision = this.savingRevision;
    this.savedState = this.savingState;
  }

  /** Stops the clock and delivery (waits for requests in flight). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.runner.stop();
    if (this.resendTimer) this.timers.clear(this.resendTimer);
    this.digestSchedule?.stop();
    await this.outbox.stop();
  }

  /** The engine's state as JSON, made once per revision (a snapshot at 2,000 containers is large). */
  private stateJson(revision: number): string {
    if (this.stateAt?.revision !== revision) this.stateAt = { revision, json: JSON.stringify(this.engine.snapshot()) };
    return this.stateAt.json;
  }

  private take(outputs: readonly AlertOutput[]): void {
    for (const out of outputs) this.digest.alertNotification(out.notification);
    this.pending.push(...outputs);
    this.sources.requestCommit();
  }

  private armResend(): void {
    if (this.resendTimer) this.timers.clear(this.resendTimer);
    this.resendTimer = undefined;
    const at = this.resends.nextDue();
    if (this.stopped || at === undefined) return;
    this.resendTimer = this.timers.set(() => this.resendFiring(), Math.max(0, at - this.now()));
    this.resendTimer.unref?.();
  }

  /** Gives every notifier whose resend is due the firing alerts it routes, unless silenced; one message per rule. */
  private resendFiring(): void {
    const now = this.now();
    const due = this.resends.due(now);
    if (due.length) {
      const firing = this.engine
        .alerts()
        .filter((a) => a.state === 'firing' && this.engine.silencedBy(a.labels, now) === undefined);
      const { routes } = this.config.alerts;
      for (const name of due) {
        for (const notification of resendNotifications(firing, name, routes, this.config.agent.hostName, now)) {
          this.pending.push({ notification, notifiers: [name] });
        }
      }
      if (this.pending.length) this.sources.requestCommit();
    }
    this.armResend();
  }
}
