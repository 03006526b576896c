/** A notifier that wants the firing alerts again every `intervalMs` (Alertmanager's `resendInterval`). */
export type ResendTarget = { name: string; intervalMs: number };

/** How far a re-send may move from its interval, as a fraction of it (±5 %), so many agents do not send in step. */
export const RESEND_JITTER = 0.05;

/**
 * When each notifier with a resend interval is next due to get every firing alert again. Driven by its own clock,
 * not by the rule engine's evaluations: a re-send comes every interval (± jitter) however often inputs arrive.
 */
export class ResendSchedule {
  private readonly next = new Map<string, number>();

  constructor(
    private readonly targets: readonly ResendTarget[],
    private readonly random: () => number = Math.random,
  ) {}

  /** Schedules every target one interval after `now`. */
  start(now: number): void {
    for (const t of this.targets) this.next.set(t.name, now + this.interval(t));
  }

  /** The targets due at `now`, each scheduled again one interval later. */
  due(now: number): string[] {
    const names: string[] = [];
    for (const t of this.targets) {
      const at = this.next.get(t.name);
      if (at === undefined || at > now) continue;
      names.push(t.name);
      this.next.set(t.name, now + this.interval(t));
    }
    return names;
  }

  /** The earliest time a target is due; undefined before `start` or without targets. */
  nextDue(): number | undefined {
    let earliest: number | undefined;
    for (const at of this.next.values()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest;
  }

  private interval(t: ResendTarget): number {
    return Math.round(t.intervalMs * (1 + RESEND_JITTER * (2 * this.random() - 1)));
  }
}
