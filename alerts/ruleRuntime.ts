import type { Alert } from './alert';
import type { AlertRule } from '../config/alertRule';
import type { AlertRecord } from './alertStateMachine';
import { AlertStateMachine } from './alertStateMachine';
import { ruleAnnotations } from './ruleAnnotations';
import { EventRuleEvaluator } from './rules/eventRule';
import { LogRuleEvaluator } from './rules/logRule';
import { MetricRuleEvaluator } from './rules/metricRule';
import type { RuleEvaluator } from './rules/ruleEvaluator';
import { UpdateAvailableEvaluator } from './rules/updateAvailableRule';
import { renderTemplate } from './template';

/** One rule at work: its evaluator, its alerts, its annotation templates and its match counter. */
export type RuleRuntime = {
  rule: AlertRule;
  evaluator: RuleEvaluator;
  machine: AlertStateMachine;
  annotations: Record<string, string>;
  /** Changes when the rule's config changes, so a restore keeps only state the rule still means. */
  fingerprint: string;
  matches: number;
};

/** The evaluator of a rule's kind (the one place that knows every kind). */
export function createEvaluator(rule: AlertRule): RuleEvaluator {
  switch (rule.kind) {
    case 'log':
      return new LogRuleEvaluator(rule);
    case 'event':
      return rule.event === 'update-available' ? new UpdateAvailableEvaluator(rule) : new EventRuleEvaluator(rule);
    case 'metric':
      return new MetricRuleEvaluator(rule);
  }
}

/** Sets a rule up; `keepFiringForMs` is the section's default for rules without their own. */
export function ruleRuntime(rule: AlertRule, keepFiringForMs: number): RuleRuntime {
  const timing = { forMs: rule.for ?? 0, keepFiringForMs: rule.keepFiringFor ?? keepFiringForMs };
  return {
    rule,
    evaluator: createEvaluator(rule),
    machine: new AlertStateMachine(rule.name, timing),
    annotations: ruleAnnotations(rule),
    fingerprint: JSON.stringify(rule),
    matches: 0,
  };
}

/** An alert's labels: the rule's own, then `alertname`, `severity`, `host`, then its grouping labels. */
export function alertLabels(rt: RuleRuntime, host: string, alert: AlertRecord): Record<string, string> {
  return { ...rt.rule.labels, alertname: rt.rule.name, severity: rt.rule.severity, host, ...alert.group };
}

/** The shared Alert model of a record, annotations rendered. */
export function toAlert(rt: RuleRuntime, host: string, alert: AlertRecord): Alert {
  const labels = alertLabels(rt, host, alert);
  const ctx = {
    container: alert.container?.name ?? alert.group.container,
    host,
    line: alert.lines?.[alert.lines.length - 1],
    value: alert.value,
    count: alert.count,
    rule: rt.rule.name,
    severity: rt.rule.severity,
    labels,
    containerLabels: alert.container?.labels,
  };
  const annotations: Record<string, string> = {};
  for (const [name, template] of Object.entries(rt.annotations)) {
    const text = renderTemplate(template, ctx);
    if (text !== '') annotations[name] = text;
  }
  const out: Alert = {
    key: alert.key,
    rule: rt.rule.name,
    severity: rt.rule.severity,
    state: alert.state,
    labels,
    annotations,
    activeAt: alert.activeAt,
  };
  if (alert.firedAt !== undefined) out.firedAt = alert.firedAt;
  if (alert.resolvedAt !== undefined) out.resolvedAt = alert.resolvedAt;
  if (alert.value !== undefined) out.value = alert.value;
  if (alert.lines?.length) out.lines = [...alert.lines];
  return out;
}
