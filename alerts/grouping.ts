/** Whether a group gathers alerts that start firing or that resolved. */
export type GroupStatus = 'firing' | 'resolved';

/** Alerts of one rule with one status and one set of notifiers, waiting to go out as one notification. */
export type NotificationGroup = {
  key: string;
  rule: string;
  status: GroupStatus;
  notifiers: string[];
  /** Alert keys, in the order they joined. */
  members: Set<string>;
  firstAt?: number;
  /** When the waiting members go out; undefined while none wait. */
  deadline?: number;
  /** When the group last sent something. */
  lastFlushAt?: number;
};

/** `groupWait` and `groupWindow` in ms. */
export type GroupTiming = { groupWaitMs: number; groupWindowMs: number };

/**
 * Gathers alerts into notifications, after Alertmanager's group_wait/group_interval. A group that has not sent for
 * `groupWindow` sends its first alert after `groupWait`, which each further alert restarts (a burst goes out as one
 * message) but never past `groupWindow` after the first; after sending, it sends at most once per `groupWindow`.
 */
export class NotificationGroups {
  private readonly groups = new Map<string, NotificationGroup>();

  constructor(private readonly timing: GroupTiming) {}

  /** Adds an alert to its group; returns the group key (to take it out again). */
  enqueue(rule: string, status: GroupStatus, notifiers: readonly string[], alertKey: string, now: number): string {
    const key = JSON.stringify([rule, status, notifiers]);
    let group = this.groups.get(key);
    if (!group) {
      group = { key, rule, status, notifiers: [...notifiers], members: new Set() };
      this.groups.set(key, group);
    }
    const { groupWaitMs, groupWindowMs } = this.timing;
    if (group.members.size === 0) group.firstAt = now;
    const first = group.firstAt ?? now;
    group.members.add(alertKey);
    if (group.lastFlushAt === undefined || first - group.lastFlushAt >= groupWindowMs) {
      group.deadline = Math.min(now + groupWaitMs, first + groupWindowMs);
    } else group.deadline = group.lastFlushAt + groupWindowMs;
    return key;
  }

  /** Takes an alert out of a group (it resolved before going out, or fires again before its resolution did). */
  dequeue(groupKey: string, alertKey: string): void {
    const group = this.groups.get(groupKey);
    if (!group?.members.delete(alertKey) || group.members.size > 0) return;
    group.deadline = undefined;
    group.firstAt = undefined;
  }

  /** The groups due at `now`; forgets idle groups whose window has passed. */
  due(now: number): NotificationGroup[] {
    const due: NotificationGroup[] = [];
    for (const [key, group] of this.groups) {
      if (group.deadline !== undefined && group.deadline <= now) due.push(group);
      else if (group.members.size === 0 && (group.lastFlushAt ?? -Infinity) + this.timing.groupWindowMs <= now) {
        this.groups.delete(key);
      }
    }
    return due.sort((a, b) => (a.deadline ?? 0) - (b.deadline ?? 0));
  }

  /** Empties a group after it was handled; `sent` says whether a notification went out. */
  flushed(group: NotificationGroup, now: number, sent: boolean): void {
    group.members.clear();
    group.deadline = undefined;
    group.firstAt = undefined;
    if (sent) group.lastFlushAt = now;
  }

  /** When the next group is due. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const g of this.groups.values()) if (g.deadline !== undefined) next = Math.min(next ?? Infinity, g.deadline);
    return next;
  }

  /** When each group last sent, JSON-serializable (members are rebuilt from the alerts). */
  snapshot(): [string, number][] {
    const out: [string, number][] = [];
    for (const g of this.groups.values()) if (g.lastFlushAt !== undefined) out.push([g.key, g.lastFlushAt]);
    return out;
  }

  /** Puts back what `snapshot` returned. */
  restore(entries: unknown): void {
    if (!Array.isArray(entries)) return;
    for (const entry of entries as [string, number][]) {
      const [key, lastFlushAt] = entry;
      let parsed: unknown;
      try {
        parsed = JSON.parse(key);
      } catch {
        continue;
      }
      if (!Array.isArray(parsed) || typeof lastFlushAt !== 'number') continue;
      const [rule, status, notifiers] = parsed as [string, GroupStatus, string[]];
      this.groups.set(key, { key, rule, status, notifiers, members: new Set(), lastFlushAt });
    }
  }
}
