import type { EngineEvent } from '../agent/engine/engineEvent';
import type { ContainerRecord } from '../agent/inventory/containerRecord';
import type { LogEntry } from '../agent/logs/logEntry';
import type { Logger } from '../agent/logger';
import type { ContainerSample } from '../agent/stats/containerSample';
import type { Statement } from 'better-sqlite3';
import { migrate, type Store } from '../agent/store/database';
import type { CommitParticipant } from '../agent/store/storeCommitter';
import type { Config } from '../config/schema';
import type { AlertNotification, Notification } from './alert';
import { DigestAccumulator } from './digest';
import { DigestSchedule } from './digestSchedule';
import { DigestStateStore } from './digestStore';
import { maintenanceCheck } from './maintenance';
import { AlertEngine, type AlertOutput } from './alertEngine';
import { MetricsSnapshotBuilder, toContainerEvent, toLogLine } from './agentInputs';
import { buildNotifiers } from './notifiers/buildNotifiers';
import type { Notifier } from './notifiers/notifier';
import { Outbox } from './outbox';
import { routeNotifiers } from './routing';

/** What the pipeline reads from the agent. */
export type AlertPipelineSources = {
  running: () => ContainerRecord[];
  record: (id: string) => ContainerRecord | undefined;
  sample: (id: string) => ContainerSample | undefined;
  /** Asks the agent to commit soon (a notification waits to be queued). */
  requestCommit: () => void;
};

const STATE_KEY = 'engine';
const MIN_TICK_MS = 10;
const MAX_TICK_MS = 5000;

/**
 * The alerting side of the agent: feeds logs, events, engine state and sampling passes to the rule engine, and
 * commits what it decides (notifications into the outbox, its own state) in the agent's shared transaction, so
 * after a crash nothing is lost and nothing sent twice. Also re-sends firing alerts to notifiers that expire what is
 * not re-sent (Alertmanager).
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
  private readonly saveState: Statement<[string, string]>;
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly lastResend = new Map<string, number>();
  private stopped = false;
  private scheduledAt = -1;

  constructor(
    private readonly config: Config,
    store: Store,
    private readonly sources: AlertPipelineSources,
    logger: Logger,
    private readonly now: () => number = Date.now,
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
      onLogMatch: (line, rules) => this.digest.logMatch(line.container.name, rules),
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
  }

  /** Whether any log rule exists (the agent tails logs only then). */
  get wantsLogs(): boolean {
    return this.config.alerts.rules.some((r) => r.kind === 'log');
  }

  /** Starts delivery and the engine's clock. */
  start(): void {
    this.outbox.start();
    this.digestSchedule?.start();
    this.take(this.engine.tick());
    this.scheduleTick();
  }

  /** A tailed log event. */
  onLogEntry(entry: LogEntry): void {
    this.take(this.engine.log(toLogLine(entry)));
  }

  /** An engine event (also those replayed after a restart). */
  onEngineEvent(event: EngineEvent): void {
    const input = toContainerEvent(event, this.sources.record(event.Actor.ID));
    if (!input) return;
    this.digest.event(input);
    this.take(this.engine.event(input));
  }

  /** The engine became reachable or not. */
  onEngineState(up: boolean): void {
    this.take(this.engine.engineState(up));
    if (up) this.onContainersChanged();
  }

  /** The running containers changed (after a resync). */
  onContainersChanged(): void {
    this.take(
      this.engine.containers(this.sources.running().map((r) => ({ id: r.id, name: r.name, labels: r.labels }))),
    );
  }

  /** A sampling pass finished. */
  onSamplingPass(): void {
    const snapshot = this.snapshots.build(this.sources.running(), this.sources.sample, this.now());
    this.take(this.engine.metrics(snapshot));
  }

  /** The silences changed (control API): re-evaluates now, so a lifted silence notifies at once, and stores them. */
  changed(): void {
    this.take(this.engine.tick());
    this.sources.requestCommit();
  }

  /** Queues the decided notifications and stores the engine's state (inside the agent's transaction). */
  commit(): void {
    for (const out of this.pending) {
      if (out.notifiers.length) this.outbox.enqueue(out.notification, out.notifiers);
    }
    this.digestState.commit();
    const revision = this.engine.revision;
    if (revision !== this.savedRevision) this.saveState.run(STATE_KEY, JSON.stringify(this.engine.snapshot()));
    this.savingRevision = revision;
  }

  /** Forgets what the transaction stored. */
  committed(): void {
    this.digestState.committed();
    this.pending = [];
    this.savedRevision = this.savingRevision;
  }

  /** Stops the clock and delivery (waits for requests in flight). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.tickTimer);
    this.digestSchedule?.stop();
    await this.outbox.stop();
  }

  private take(outputs: readonly AlertOutput[]): void {
    if (outputs.length) {
      for (const out of outputs) this.digest.alertNotification(out.notification);
      this.pending.push(...outputs);
      this.sources.requestCommit();
    }
    if (this.engine.revision !== this.scheduledAt) this.scheduleTick();
  }

  private scheduleTick(): void {
    if (this.stopped) return;
    clearTimeout(this.tickTimer);
    this.scheduledAt = this.engine.revision;
    const deadline = this.engine.nextDeadline() ?? Infinity;
    const wait = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, deadline - this.now()));
    this.tickTimer = setTimeout(() => {
      this.take(this.engine.tick());
      this.resendFiring();
      this.scheduleTick();
    }, wait);
    this.tickTimer.unref();
  }

  /** Notifiers with a resend interval get every firing alert again that often, one message per rule. */
  private resendFiring(): void {
    const now = this.now();
    const due = this.notifiers.filter(
      (n) => n.resendIntervalMs !== undefined && now - (this.lastResend.get(n.name) ?? now) >= n.resendIntervalMs,
    );
    for (const n of this.notifiers)
      if (n.resendIntervalMs !== undefined && !this.lastResend.has(n.name)) this.lastResend.set(n.name, now);
    if (!due.length) return;
    const firing = this.engine
      .alerts()
      .filter((a) => a.state === 'firing' && !this.engine.silences.silencing(a.labels));
    const byRule = new Map<string, typeof firing>();
    for (const a of firing) byRule.set(a.rule, [...(byRule.get(a.rule) ?? []), a]);
    for (const n of due) {
      this.lastResend.set(n.name, now);
      for (const [rule, alerts] of byRule) {
        const first = alerts[0];
        if (!first || !routeNotifiers(this.config.alerts.routes, first).includes(n.name)) continue;
        const notification: AlertNotification = {
          kind: 'alerts',
          id: `resend-${n.name}-${rule}-${now}`,
          host: this.config.agent.hostName,
          rule,
          severity: first.severity,
          status: 'firing',
          alerts,
          count: alerts.length,
          createdAt: now,
        };
        this.pending.push({ notification, notifiers: [n.name] });
      }
    }
    if (this.pending.length) this.sources.requestCommit();
  }
}
