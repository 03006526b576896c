import type { LogRule } from '../../config/alertRule';
import { DEFAULT_RESOLVE_AFTER_MS, logGrouping } from '../../config/alertRule';
import type { ContainerRef } from '../inputs';
import { LogAbsence } from './logAbsence';
import { Occurrences } from './occurrences';
import type { Condition, EvaluationContext, RestoreContext, RuleEvaluator, RuleInput } from './ruleEvaluator';
import { RuleSelection } from './ruleSelection';
import { WindowCounts } from './windowCounts';

/** The grouping labels of a container for a log rule; undefined when it lacks the label the rule groups by. */
export function logGroupOf(by: string, container: ContainerRef): Record<string, string> | undefined {
  if (by === 'container') return { container: container.name };
  const value = container.labels[by];
  return value === undefined ? undefined : { [by]: value };
}

/**
 * A log rule. The engine matches lines (one shared matcher) and hands this rule its matches. One-shot: each match
 * holds for `resolveAfter` (default 5m). Threshold: holds while `count` matches fall within `window`. Absence: see
 * {@link LogAbsence}. Containers without the label a rule groups by are left out.
 */
export class LogRuleEvaluator implements RuleEvaluator {
  private readonly by: string;
  private readonly oneShot?: Occurrences;
  private readonly window?: WindowCounts;
  private readonly absence?: LogAbsence;

  constructor(rule: LogRule) {
    this.by = logGrouping(rule);
    const selection = new RuleSelection(rule.containers);
    if (rule.threshold) this.window = new WindowCounts(rule.threshold.window, rule.threshold.count);
    else if (rule.absentFor !== undefined) {
      this.absence = new LogAbsence(
        rule.absentFor,
        (c) => logGroupOf(this.by, c),
        (c) => selection.has(c),
      );
    } else this.oneShot = new Occurrences(rule.resolveAfter ?? DEFAULT_RESOLVE_AFTER_MS);
  }

  observe(input: RuleInput, now: number): boolean {
    if (input.type === 'engine') this.absence?.engine(input.up, now);
    if (input.type !== 'match') return false;
    const { container, text } = input.line;
    const group = logGroupOf(this.by, container);
    if (!group) return false;
    this.oneShot?.record(group, now, { container, line: text });
    this.window?.record(group, now, { container, line: text });
    this.absence?.match(group, container, now);
    return true;
  }

  conditions(ctx: EvaluationContext): Condition[] {
    return this.oneShot?.active(ctx.now) ?? this.window?.active(ctx.now) ?? this.absence?.conditions(ctx) ?? [];
  }

  nextDeadline(): number | undefined {
    return this.oneShot?.nextDeadline() ?? this.window?.nextDeadline() ?? this.absence?.nextDeadline();
  }

  snapshot(): unknown {
    return this.oneShot?.snapshot() ?? this.window?.snapshot() ?? this.absence?.snapshot();
  }

  restore(state: unknown, ctx: RestoreContext): void {
    this.oneShot?.restore(state);
    this.window?.restore(state);
    this.absence?.restore(state, ctx);
  }
}
