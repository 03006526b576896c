import { groupId } from '../alertKey';
import type { ContainerRef } from '../inputs';
import type { Condition } from './ruleEvaluator';

/** Lines kept per alert for the message. */
export const MAX_LINES = 5;

/** What one occurrence brings: the container, the log line, a value (an exit code). */
export type OccurrenceDetail = { container?: ContainerRef; line?: string; value?: number };

type Entry = {
  group: Record<string, string>;
  container?: ContainerRef;
  firstAt: number;
  lastAt: number;
  count: number;
  lines: string[];
  value?: number;
};

/** One-off happenings (a matching line, a die, an OOM) that hold per group until `resolveAfter` passes without another. */
export class Occurrences {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly resolveAfterMs: number) {}

  /** Records one occurrence for a group. */
  record(group: Record<string, string>, now: number, detail: OccurrenceDetail): void {
    const key = groupId(group);
    const entry = this.entries.get(key) ?? { group, firstAt: now, lastAt: now, count: 0, lines: [] };
    entry.lastAt = now;
    entry.count++;
    if (detail.container) entry.container = detail.container;
    if (detail.value !== undefined) entry.value = detail.value;
    if (detail.line !== undefined) keepLast(entry.lines, detail.line);
    this.entries.set(key, entry);
  }

  /** The groups whose last occurrence is recent enough, dropping the others. */
  active(now: number): Condition[] {
    const conditions: Condition[] = [];
    for (const [key, e] of this.entries) {
      if (now >= e.lastAt + this.resolveAfterMs) this.entries.delete(key);
      else
        conditions.push({
          id: key,
          group: e.group,
          container: e.container,
          value: e.value,
          count: e.count,
          lines: e.lines,
        });
    }
    return conditions;
  }

  /** When the next group runs out. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const e of this.entries.values()) next = Math.min(next ?? Infinity, e.lastAt + this.resolveAfterMs);
    return next;
  }

  /** The open groups, JSON-serializable. */
  snapshot(): Entry[] {
    return [...this.entries.values()];
  }

  /** Puts back what `snapshot` returned. */
  restore(entries: unknown): void {
    if (!Array.isArray(entries)) return;
    for (const e of entries as Entry[]) {
      if (typeof e?.lastAt === 'number' && e.group) this.entries.set(groupId(e.group), e);
    }
  }
}

/** Appends a line, keeping the last {@link MAX_LINES}. */
export function keepLast(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
}
