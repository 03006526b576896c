import { groupId } from '../alertKey';
import type { ContainerRef } from '../inputs';
import type { Condition, EvaluationContext, RestoreContext } from './ruleEvaluator';

type GroupState = {
  group: Record<string, string>;
  container: ContainerRef;
  /** Since when the group has been watched: its first running container, an engine reconnect, a restore. */
  since: number;
  lastMatch?: number;
  active: boolean;
};

/**
 * "No matching line for `absentFor`", per group of running selected containers. A group is watched from the moment
 * one of its containers is known to run; it fires once `absentFor` passes from that moment or from its last match,
 * whichever is later, and resolves on the next match. While the engine is unreachable nothing new fires (no lines can
 * arrive), and after it comes back, or after a restore, the wait starts again for groups that were not firing.
 */
export class LogAbsence {
  private readonly states = new Map<string, GroupState>();
  private paused = false;

  constructor(
    private readonly absentForMs: number,
    private readonly groupOf: (c: ContainerRef) => Record<string, string> | undefined,
    private readonly selects: (c: ContainerRef) => boolean,
  ) {}

  /** A matching line arrived. */
  match(group: Record<string, string>, container: ContainerRef, now: number): void {
    const key = groupId(group);
    const state = this.states.get(key) ?? { group, container, since: now, active: false };
    state.lastMatch = now;
    state.container = container;
    this.states.set(key, state);
  }

  /** The engine went away or came back. */
  engine(up: boolean, now: number): void {
    if (up && this.paused) for (const s of this.states.values()) if (!s.active) s.since = Math.max(s.since, now);
    this.paused = !up;
  }

  /** The groups without a match for `absentFor`. */
  conditions(ctx: EvaluationContext): Condition[] {
    if (!this.paused) this.refresh(ctx);
    const conditions: Condition[] = [];
    for (const [id, s] of this.states) if (s.active) conditions.push({ id, group: s.group, container: s.container });
    return conditions;
  }

  /** When the next watched group runs out of time. */
  nextDeadline(): number | undefined {
    if (this.paused) return undefined;
    let next: number | undefined;
    for (const s of this.states.values())
      if (!s.active) next = Math.min(next ?? Infinity, this.startOf(s) + this.absentForMs);
    return next;
  }

  /** The watched groups, JSON-serializable. */
  snapshot(): GroupState[] {
    return [...this.states.values()];
  }

  /** Puts back what `snapshot` returned; groups that were not firing wait a full `absentFor` again. */
  restore(states: unknown, ctx: RestoreContext): void {
    if (!Array.isArray(states)) return;
    for (const s of states as GroupState[]) {
      if (typeof s?.since !== 'number' || !s.group || !s.container) continue;
      this.states.set(groupId(s.group), { ...s, since: s.active ? s.since : Math.max(s.since, ctx.now) });
    }
  }

  private refresh(ctx: EvaluationContext): void {
    const present = new Map<string, { group: Record<string, string>; container: ContainerRef; since: number }>();
    for (const c of ctx.running.values()) {
      const group = this.selects(c) ? this.groupOf(c) : undefined;
      if (!group) continue;
      const key = groupId(group);
      const seen = present.get(key);
      if (!seen || c.since < seen.since) present.set(key, { group, container: c, since: c.since });
    }
    for (const key of this.states.keys()) if (!present.has(key)) this.states.delete(key);
    for (const [key, p] of present) {
      const state = this.states.get(key) ?? { group: p.group, container: p.container, since: p.since, active: false };
      state.active = ctx.now - this.startOf(state) >= this.absentForMs;
      this.states.set(key, state);
    }
  }

  private startOf(s: GroupState): number {
    return Math.max(s.since, s.lastMatch ?? -Infinity);
  }
}
