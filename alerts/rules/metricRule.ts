import type { ComparisonOp, MetricRule } from '../../config/alertRule';
import { groupId } from '../alertKey';
import type { Condition, RuleEvaluator, RuleInput } from './ruleEvaluator';
import { RuleSelection } from './ruleSelection';

/** Whether `value op threshold` holds. */
export function compare(value: number, op: ComparisonOp, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

/**
 * A metric rule: on every snapshot, each selected container whose figure crosses the threshold holds (the state
 * machine applies `for`); a container missing from the snapshot (stopped) or without the figure (no memory limit)
 * does not. What held at the last snapshot keeps holding until the next one.
 */
export class MetricRuleEvaluator implements RuleEvaluator {
  private readonly selection: RuleSelection;
  private current: Condition[] = [];

  constructor(private readonly rule: MetricRule) {
    this.selection = new RuleSelection(rule.containers);
  }

  observe(input: RuleInput): boolean {
    if (input.type !== 'metrics') return false;
    const { metric, op, value: threshold } = this.rule;
    this.current = [];
    for (const m of input.snapshot.containers) {
      const value = m[metric];
      if (value === undefined || !this.selection.has(m.container) || !compare(value, op, threshold)) continue;
      const group = { container: m.container.name };
      this.current.push({ id: groupId(group), group, container: m.container, value });
    }
    return this.current.length > 0;
  }

  conditions(): Condition[] {
    return this.current;
  }

  nextDeadline(): number | undefined {
    return undefined;
  }

  snapshot(): Condition[] {
    return this.current;
  }

  restore(state: unknown): void {
    if (!Array.isArray(state)) return;
    this.current = (state as Condition[]).filter((c) => c?.group).map((c) => ({ ...c, id: groupId(c.group) }));
  }
}
