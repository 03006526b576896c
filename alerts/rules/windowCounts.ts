import { groupId } from '../alertKey';
import type { ContainerRef } from '../inputs';
import { keepLast } from './occurrences';
import type { Condition } from './ruleEvaluator';

/** Times kept per group beyond the threshold; past this the count reads as a floor. */
const MAX_TIMES = 10_000;

type Entry = { group: Record<string, string>; container?: ContainerRef; times: number[]; lines: string[] };

/** Counts per group within a sliding window; a group holds while at least `threshold` fall within the window. */
export class WindowCounts {
  private readonly entries = new Map<string, Entry>();
  private readonly cap: number;

  constructor(
    private readonly windowMs: number,
    private readonly threshold: number,
  ) {
    this.cap = Math.max(threshold, MAX_TIMES);
  }

  /** Counts one happening for a group. */
  record(group: Record<string, string>, now: number, detail: { container?: ContainerRef; line?: string }): void {
    const key = groupId(group);
    const entry = this.entries.get(key) ?? { group, times: [], lines: [] };
    entry.times.push(now);
    if (entry.times.length > this.cap + 1000) entry.times.splice(0, entry.times.length - this.cap);
    if (detail.container) entry.container = detail.container;
    if (detail.line !== undefined) keepLast(entry.lines, detail.line);
    this.entries.set(key, entry);
  }

  /** The groups at or over the threshold now (value and count: how many fall within the window). */
  active(now: number): Condition[] {
    const conditions: Condition[] = [];
    for (const [key, e] of this.entries) {
      const firstInside = e.times.findIndex((t) => t > now - this.windowMs);
      if (firstInside === -1) {
        this.entries.delete(key);
        continue;
      }
      if (firstInside > 0) e.times.splice(0, firstInside);
      const n = e.times.length;
      if (n >= this.threshold) {
        conditions.push({ id: key, group: e.group, container: e.container, value: n, count: n, lines: e.lines });
      }
    }
    return conditions;
  }

  /** When the next group may drop below its threshold (or its count change while at it). */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const e of this.entries.values()) {
      const first = e.times[0];
      if (first !== undefined) next = Math.min(next ?? Infinity, first + this.windowMs);
    }
    return next;
  }

  /** The open windows, JSON-serializable. */
  snapshot(): Entry[] {
    return [...this.entries.values()];
  }

  /** Puts back what `snapshot` returned. */
  restore(entries: unknown): void {
    if (!Array.isArray(entries)) return;
    for (const e of entries as Entry[]) {
      if (Array.isArray(e?.times) && e.group) this.entries.set(groupId(e.group), e);
    }
  }
}
