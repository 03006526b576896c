import { randomUUID } from 'node:crypto';
import type { AlertsConfig } from '../config/alertsSchema';
import type { Alert, AlertNotification, AlertState, Severity } from './alert';
import type { LogStream } from '../config/alertRule';
import type { AlertRecord } from './alertStateMachine';
import { ContainerTracker } from './containerTracker';
import type { EngineSnapshot } from './engineSnapshot';
import { SNAPSHOT_VERSION, isEngineSnapshot } from './engineSnapshot';
import type { NotificationGroup } from './grouping';
import { NotificationGroups } from './grouping';
import type { ContainerEvent, ContainerRef, ImageUpdate, LogLine, MetricsSnapshot } from './inputs';
import { LogRuleIndex, type LineTest } from './logRuleIndex';
import { routeNotifiers } from './routing';
import type { RuleRuntime } from './ruleRuntime';
import { alertLabels, ruleRuntime, toAlert } from './ruleRuntime';
import type { EvaluationContext, RuleInput } from './rules/ruleEvaluator';
import { Silences } from './silences';

/** One notification for the outbox, with the names of the notifiers its route chose. */
export type AlertOutput = { notification: AlertNotification; notifiers: string[] };

/** What the engine needs besides the config. */
export type AlertEngineOptions = {
  hostName: string;
  now: () => number;
  /** Whether a maintenance window covers an alert with these labels now (treated like a silence). */
  isInMaintenance?: (now: number, labels: Readonly<Record<string, string>>) => boolean;
  newNotificationId?: () => string;
  newSilenceId?: () => string;
  /** Told of every log line that matched rules (the digest counts them). */
  onLogMatch?: (line: LogLine, rules: readonly { rule: string; severity: Severity }[]) => void;
  /** Alerts listed per notification; `count` still says how many it stands for. */
  maxAlertsPerNotification?: number;
};

/** Counters and gauges for the agent's metrics. */
export type AlertEngineStats = {
  /** Inputs that matched each rule (lines, events, containers over a metric threshold), since start. */
  matches: Record<string, number>;
  alerts: Record<AlertState, number>;
  notifications: { firing: number; resolved: number };
  /** Notifications no route sent anywhere. */
  unrouted: number;
};

const NONE: readonly AlertOutput[] = Object.freeze([]);

/**
 * The rule engine: pure logic over its inputs and an injected clock. Each input method returns the notifications due
 * at that moment; call `tick()` at `nextDeadline()` (and every few seconds, for maintenance windows) for the rest.
 */
export class AlertEngine {
  /** Silences from the config and the API (add, list, remove; ended ones expire by themselves). */
  readonly silences: Silences;
  private readonly rules: RuleRuntime[];
  private readonly byName = new Map<string, RuleRuntime>();
  private readonly logIndex: LogRuleIndex;
  private readonly tracker = new ContainerTracker();
  private readonly groups: NotificationGroups;
  private readonly host: string;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly counters = { firing: 0, resolved: 0, unrouted: 0 };
  private evaluations = 0;

  constructor(
    private readonly config: AlertsConfig,
    private readonly options: AlertEngineOptions,
  ) {
    this.host = options.hostName;
    this.now = options.now;
    this.newId = options.newNotificationId ?? randomUUID;
    this.rules = config.rules.map((rule) => ruleRuntime(rule, config.keepFiringFor));
    for (const rt of this.rules) this.byName.set(rt.rule.name, rt);
    this.logIndex = new LogRuleIndex(config.rules.map((r) => (r.kind === 'log' ? r : undefined)));
    this.groups = new NotificationGroups({ groupWaitMs: config.groupWait, groupWindowMs: config.groupWindow });
    this.silences = new Silences(config.silences, options.now, options.newSilenceId);
  }

  /** A log line (or joined multi-line event) of a watched container. */
  log(line: LogLine): readonly AlertOutput[] {
    const hits = this.logIndex.matches(line);
    if (hits.length === 0) return NONE;
    const touched = hits.map((i) => this.rules[i] as RuleRuntime);
    this.options.onLogMatch?.(
      line,
      touched.map((rt) => ({ rule: rt.rule.name, severity: rt.rule.severity })),
    );
    return this.feed({ type: 'match', line }, touched);
  }

  /**
   * Which lines of a container's stream {@link log} can match: `false` for none, else a test of the text (with the
   * literals one of which a matching line contains, when known). A line it turns down would have changed nothing
   * here, so a caller may leave it out.
   */
  logLineFilter(container: ContainerRef, stream: LogStream): LineTest | false {
    return this.logIndex.filter(container, stream);
  }

  /** An engine event of a watched container. */
  event(event: ContainerEvent): readonly AlertOutput[] {
    const cause = this.tracker.observe(event, this.now());
    return this.feed(
      { type: 'event', event, cause },
      this.rules.filter((rt) => rt.rule.kind !== 'metric'),
    );
  }

  /** What the update check found for a running watched container (event rules `update-available` take it). */
  imageUpdate(update: ImageUpdate): readonly AlertOutput[] {
    return this.feed(
      { type: 'update', update },
      this.rules.filter((rt) => rt.rule.kind === 'event' && rt.rule.event === 'update-available'),
    );
  }

  /** The engine became reachable (`true`) or not; call it on every connect and loss. */
  engineState(up: boolean): readonly AlertOutput[] {
    this.tracker.engineUp = up;
    return this.feed({ type: 'engine', up }, this.rules);
  }

  /** A sampling pass over the running containers. */
  metrics(snapshot: MetricsSnapshot): readonly AlertOutput[] {
    this.tracker.seen(
      snapshot.containers.map((m) => m.container),
      this.now(),
    );
    return this.feed(
      { type: 'metrics', snapshot },
      this.rules.filter((rt) => rt.rule.kind === 'metric'),
    );
  }

  /** The running watched containers, as the engine lists them after a connect or resync. */
  containers(running: readonly ContainerRef[]): readonly AlertOutput[] {
    this.tracker.sync(running, this.now());
    return this.evaluate(this.rules);
  }

  /** dockwatch is about to stop or restart a container: its exits until `until` (ms) are no surprise. */
  expectStop(containerId: string, until: number): void {
    this.tracker.expectStop(containerId, until);
  }

  /** Lets time pass: `for`, windows, absences, resolutions, group waits, repeats, silence expiry. */
  tick(): readonly AlertOutput[] {
    const now = this.now();
    this.silences.expire();
    this.tracker.prune(now);
    return this.evaluate(this.rules);
  }

  /** The earliest time a `tick()` may have something to do. */
  nextDeadline(): number | undefined {
    const ctx = this.context();
    const times = [this.groups.nextDeadline(), this.silences.nextExpiry()];
    for (const rt of this.rules) {
      times.push(rt.machine.nextDeadline(), rt.evaluator.nextDeadline(ctx));
      for (const a of rt.machine.alerts.values()) {
        const repeatAt = (a.notifiedAt ?? Infinity) + this.config.repeatInterval;
        if (a.state === 'firing' && !a.queuedIn && repeatAt > ctx.now) times.push(repeatAt);
      }
    }
    const defined = times.filter((t): t is number => t !== undefined);
    return defined.length ? Math.min(...defined) : undefined;
  }

  /** Changes whenever an input or tick was evaluated (a line no rule matched is not); `nextDeadline` may differ then. */
  get revision(): number {
    return this.evaluations;
  }

  /** The pending, firing and not yet announced resolved alerts, annotations rendered. */
  alerts(): Alert[] {
    return this.rules.flatMap((rt) => [...rt.machine.alerts.values()].map((a) => toAlert(rt, this.host, a)));
  }

  /** Counters and gauges for the agent's metrics. */
  stats(): AlertEngineStats {
    const alerts: Record<AlertState, number> = { pending: 0, firing: 0, resolved: 0 };
    const matches: Record<string, number> = {};
    for (const rt of this.rules) {
      matches[rt.rule.name] = rt.matches;
      for (const a of rt.machine.alerts.values()) alerts[a.state]++;
    }
    const { firing, resolved, unrouted } = this.counters;
    return { matches, alerts, notifications: { firing, resolved }, unrouted };
  }

  /** The state that must survive an agent restart, JSON-serializable. */
  snapshot(): EngineSnapshot {
    const rules: EngineSnapshot['rules'] = {};
    for (const rt of this.rules) {
      rules[rt.rule.name] = {
        fingerprint: rt.fingerprint,
        alerts: rt.machine.snapshot(),
        evaluator: rt.evaluator.snapshot(),
      };
    }
    return {
      version: SNAPSHOT_VERSION,
      savedAt: this.now(),
      rules,
      groups: this.groups.snapshot(),
      silences: this.silences.snapshot(),
      containers: this.tracker.snapshot(),
    };
  }

  /**
   * Puts back a snapshot taken by an engine of this or an earlier config, before any input: alerts of rules that
   * still exist, their windows when the rule is unchanged, runtime silences. A firing alert that was notified is not
   * notified again before its repeat interval; one that was not yet is notified on the next tick.
   */
  restore(snapshot: unknown): void {
    if (!isEngineSnapshot(snapshot)) return;
    const now = this.now();
    const ctx = { savedAt: snapshot.savedAt, now };
    for (const [name, saved] of Object.entries(snapshot.rules)) {
      const rt = this.byName.get(name);
      if (!rt) continue;
      rt.machine.restore(saved.alerts);
      if (saved.fingerprint === rt.fingerprint) rt.evaluator.restore(saved.evaluator, ctx);
    }
    this.groups.restore(snapshot.groups);
    this.silences.restore(snapshot.silences);
    this.tracker.restore(snapshot.containers, now);
    for (const rt of this.rules) {
      for (const a of rt.machine.alerts.values()) if (a.state === 'resolved') this.resolved(rt, a, now);
      this.enqueueDue(rt, now);
    }
  }

  private feed(input: RuleInput, rules: readonly RuleRuntime[]): readonly AlertOutput[] {
    const now = this.now();
    for (const rt of rules) if (rt.evaluator.observe(input, now)) rt.matches++;
    return this.evaluate(rules);
  }

  private context(): EvaluationContext {
    return { now: this.now(), running: this.tracker.running, engineUp: this.tracker.engineUp };
  }

  private evaluate(rules: readonly RuleRuntime[]): readonly AlertOutput[] {
    this.evaluations++;
    const ctx = this.context();
    for (const rt of rules) {
      for (const t of rt.machine.update(rt.evaluator.conditions(ctx), ctx.now)) {
        if (t.to === 'resolved') this.resolved(rt, t.alert, ctx.now);
        else if (t.to === 'refiring' && t.alert.queuedIn) this.unqueue(t.alert);
      }
      this.enqueueDue(rt, ctx.now);
    }
    return this.flush(ctx.now);
  }

  private resolved(rt: RuleRuntime, alert: AlertRecord, now: number): void {
    if (alert.queuedIn) this.unqueue(alert);
    if (alert.notifiedAt === undefined || this.muted(rt, alert, now)) rt.machine.alerts.delete(alert.key);
    else this.queue(rt, alert, 'resolved', now);
  }

  private enqueueDue(rt: RuleRuntime, now: number): void {
    for (const alert of rt.machine.alerts.values()) {
      if (alert.state !== 'firing' || alert.queuedIn) continue;
      if (alert.notifiedAt !== undefined && now - alert.notifiedAt < this.config.repeatInterval) continue;
      if (!this.muted(rt, alert, now)) this.queue(rt, alert, 'firing', now);
    }
  }

  private queue(rt: RuleRuntime, alert: AlertRecord, status: 'firing' | 'resolved', now: number): void {
    const notifiers = routeNotifiers(this.config.routes, {
      rule: rt.rule.name,
      severity: rt.rule.severity,
      labels: alertLabels(rt, this.host, alert),
    });
    alert.queuedIn = this.groups.enqueue(rt.rule.name, status, notifiers, alert.key, now);
  }

  private unqueue(alert: AlertRecord): void {
    if (alert.queuedIn) this.groups.dequeue(alert.queuedIn, alert.key);
    alert.queuedIn = undefined;
  }

  private muted(rt: RuleRuntime, alert: AlertRecord, now: number): boolean {
    return this.silencedBy(alertLabels(rt, this.host, alert), now) !== undefined;
  }

  /** What keeps alerts with these labels quiet now: a silence's id, `maintenance` (an open window), or nothing. */
  silencedBy(labels: Readonly<Record<string, string>>, now = this.now()): string | undefined {
    const silence = this.silences.silencing(labels);
    if (silence) return silence.id;
    return this.options.isInMaintenance?.(now, labels) === true ? 'maintenance' : undefined;
  }

  private flush(now: number): readonly AlertOutput[] {
    const due = this.groups.due(now);
    if (due.length === 0) return NONE;
    const outputs: AlertOutput[] = [];
    for (const group of due) {
      const output = this.flushGroup(group, now);
      if (output) outputs.push(output);
    }
    return outputs;
  }

  private flushGroup(group: NotificationGroup, now: number): AlertOutput | undefined {
    const rt = this.byName.get(group.rule);
    const included: AlertRecord[] = [];
    for (const key of group.members) {
      const alert = rt?.machine.alerts.get(key);
      if (!rt || !alert) continue;
      alert.queuedIn = undefined;
      if (alert.state !== group.status) continue;
      if (group.status === 'resolved') rt.machine.alerts.delete(key);
      if (this.muted(rt, alert, now)) continue;
      if (group.status === 'firing') alert.notifiedAt = now;
      included.push(alert);
    }
    this.groups.flushed(group, now, included.length > 0);
    if (!rt || included.length === 0) return undefined;
    if (group.notifiers.length === 0) {
      this.counters.unrouted++;
      return undefined;
    }
    this.counters[group.status]++;
    const max = this.options.maxAlertsPerNotification ?? 50;
    const notification: AlertNotification = {
      kind: 'alerts',
      id: this.newId(),
      host: this.host,
      rule: rt.rule.name,
      severity: rt.rule.severity,
      status: group.status,
      alerts: included.slice(0, max).map((a) => toAlert(rt, this.host, a)),
      count: included.length,
      createdAt: now,
    };
    return { notification, notifiers: [...group.notifiers] };
  }
}
