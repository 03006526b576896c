import { alertsSchema } from '../../../config/alertsSchema';
import type { AlertEngineOptions, AlertOutput } from '../../../alerts/alertEngine';
import { AlertEngine } from '../../../alerts/alertEngine';
import type { ContainerEvent, ContainerRef, LogLine } from '../../../alerts/inputs';

/** What a test sees of one emitted notification. */
export type Sent = {
  at: number;
  status: 'firing' | 'resolved';
  rule: string;
  count: number;
  /** The grouping label values of the alerts it lists (container names, or label values), sorted. */
  of: string[];
  notifiers: string[];
};

/** A container for inputs; its id is derived from its name. */
export function container(name: string, labels: Record<string, string> = {}): ContainerRef {
  return { id: `id-${name}`, name, labels };
}

/** Builds an engine event at `time` 0 (the engine orders by its clock). */
export function event<A extends ContainerEvent['action']>(
  c: ContainerRef,
  action: A,
  extra: Omit<Extract<ContainerEvent, { action: A }>, 'container' | 'time' | 'action'>,
): ContainerEvent {
  return { container: c, time: 0, action, ...extra } as ContainerEvent;
}

/** A stdout line of a container. */
export function line(c: ContainerRef, text: string, stream: LogLine['stream'] = 'stdout'): LogLine {
  return { container: c, stream, time: 0, text };
}

/** The minutes and seconds helpers tests read best in. */
export const s = (n: number) => n * 1000;
export const m = (n: number) => n * 60_000;
export const h = (n: number) => n * 3_600_000;

/**
 * An engine on a fake clock driven like a perfect runner: `at(t, fn)` first ticks at every deadline before `t`, then
 * sets the clock to `t` and feeds `fn`'s input; everything emitted is recorded in `sent` with its time.
 */
export class Timeline {
  readonly engine: AlertEngine;
  readonly sent: Sent[] = [];
  readonly outputs: AlertOutput[] = [];
  clock = 0;

  constructor(alerts: unknown, options: Partial<AlertEngineOptions> = {}) {
    const config = alertsSchema.parse(alerts);
    let ids = 0;
    this.engine = new AlertEngine(config, {
      hostName: 'host-a',
      now: () => this.clock,
      newNotificationId: () => `n${++ids}`,
      ...options,
    });
  }

  /** Runs the engine up to `time`, then calls `fn` at exactly `time`, recording the outputs it returns. */
  at(time: number, fn?: (engine: AlertEngine) => unknown): this {
    this.until(time);
    this.clock = time;
    const out = fn?.(this.engine);
    if (Array.isArray(out)) this.record(out as AlertOutput[]);
    return this;
  }

  /** Ticks at every deadline up to and including `time`. */
  until(time: number): this {
    for (let guard = 0; guard < 100_000; guard++) {
      const next = this.engine.nextDeadline();
      if (next === undefined || next > time) break;
      this.clock = Math.max(this.clock, next);
      this.record(this.engine.tick());
    }
    this.clock = Math.max(this.clock, time);
    this.record(this.engine.tick());
    return this;
  }

  private record(outputs: readonly AlertOutput[]): void {
    for (const o of outputs) {
      const n = o.notification;
      const of = n.alerts.map((a) => Object.values(groupLabels(a.labels)).join(',')).sort();
      this.outputs.push(o);
      this.sent.push({ at: this.clock, status: n.status, rule: n.rule, count: n.count, of, notifiers: o.notifiers });
    }
  }
}

const BASE_LABELS = ['alertname', 'severity', 'host'];

function groupLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([name]) => !BASE_LABELS.includes(name)));
}

/** A catch-all route to one notifier, so every alert is sent somewhere. */
export const toOps = [{ notifiers: ['ops'] }];
