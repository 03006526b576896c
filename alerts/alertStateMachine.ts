import type { AlertState } from './alert';
import type { ContainerRef } from './inputs';
import type { Condition } from './rules/ruleEvaluator';

/** One alert of a rule as the engine keeps it (an inactive alert is simply absent). */
export type AlertRecord = {
  key: string;
  group: Record<string, string>;
  state: AlertState;
  activeAt: number;
  firedAt?: number;
  resolvedAt?: number;
  /** Since when a firing alert's condition no longer holds (it resolves after `keepFiringFor`). */
  keepFiringSince?: number;
  container?: ContainerRef;
  value?: number;
  count?: number;
  lines?: string[];
  /** When its firing last went out (or was routed nowhere); undefined while never. */
  notifiedAt?: number;
  /** The notification group it waits in, if any. */
  queuedIn?: string;
};

/** A change the engine must act on: a pending alert that never fired is simply dropped. */
export type Transition = { alert: AlertRecord; to: 'firing' | 'resolved' | 'refiring' };

/** `for` and `keepFiringFor` of one rule, in ms. */
export type StateTiming = { forMs: number; keepFiringForMs: number };

/**
 * The alerts of one rule, moved along Prometheus' lifecycle by the conditions that hold: inactive → pending → firing
 * (after `for`; at once for 0) → resolved (once the condition stopped holding for `keepFiringFor`). A resolved alert
 * whose condition holds again before its resolution went out is firing again (`refiring`), as receivers never saw it end.
 */
export class AlertStateMachine {
  readonly alerts = new Map<string, AlertRecord>();

  constructor(
    readonly rule: string,
    private readonly timing: StateTiming,
  ) {}

  /** Applies the conditions holding at `now` and returns the transitions. */
  update(conditions: readonly Condition[], now: number): Transition[] {
    const transitions: Transition[] = [];
    const holding = new Set<string>();
    for (const c of conditions) {
      const key = this.rule + c.id;
      holding.add(key);
      let alert = this.alerts.get(key);
      if (!alert) {
        alert = { key, group: c.group, state: 'pending', activeAt: now };
        this.alerts.set(key, alert);
      }
      alert.container = c.container ?? alert.container;
      alert.value = c.value;
      alert.count = c.count;
      alert.lines = c.lines;
      alert.keepFiringSince = undefined;
      if (alert.state === 'resolved') {
        alert.state = 'firing';
        alert.resolvedAt = undefined;
        transitions.push({ alert, to: 'refiring' });
      } else if (alert.state === 'pending' && now - alert.activeAt >= this.timing.forMs) {
        alert.state = 'firing';
        alert.firedAt = now;
        transitions.push({ alert, to: 'firing' });
      }
    }
    for (const [key, alert] of this.alerts) {
      if (holding.has(key) || alert.state === 'resolved') continue;
      if (alert.state === 'pending') {
        this.alerts.delete(key);
        continue;
      }
      alert.keepFiringSince ??= now;
      if (now - alert.keepFiringSince >= this.timing.keepFiringForMs) {
        alert.state = 'resolved';
        alert.resolvedAt = now;
        transitions.push({ alert, to: 'resolved' });
      }
    }
    return transitions;
  }

  /** When a pending alert may fire or a kept-firing one resolve. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const a of this.alerts.values()) {
      if (a.state === 'pending') next = Math.min(next ?? Infinity, a.activeAt + this.timing.forMs);
      if (a.state === 'firing' && a.keepFiringSince !== undefined) {
        next = Math.min(next ?? Infinity, a.keepFiringSince + this.timing.keepFiringForMs);
      }
    }
    return next;
  }

  /** The alerts, JSON-serializable (without their queue places, which are rebuilt). */
  snapshot(): AlertRecord[] {
    return [...this.alerts.values()].map((a) => ({ ...a, queuedIn: undefined }));
  }

  /** Puts back what `snapshot` returned. */
  restore(records: unknown): void {
    if (!Array.isArray(records)) return;
    for (const r of records as AlertRecord[]) {
      if (typeof r?.key === 'string' && ['pending', 'firing', 'resolved'].includes(r.state)) {
        this.alerts.set(r.key, { ...r, queuedIn: undefined });
      }
    }
  }
}
