import type { ContainerSelector } from './containerSelector';

/** How bad an alert is, least severe first; routes match on it and notifiers colour by it. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** What an event rule watches for. */
export const EVENT_CONDITIONS = [
  'die',
  'oom',
  'restart-loop',
  'unhealthy',
  'unexpected-stop',
  'engine-down',
  'update-available',
] as const;

/** One of {@link EVENT_CONDITIONS}. */
export type EventCondition = (typeof EVENT_CONDITIONS)[number];

/** The per-container figures a metric rule can compare (see MetricsSnapshot for their units). */
export const METRIC_NAMES = [
  'cpuPercent',
  'memoryPercentOfLimit',
  'workingSetBytes',
  'memoryUsageBytes',
  'restartCount',
] as const;

/** One of {@link METRIC_NAMES}. */
export type MetricName = (typeof METRIC_NAMES)[number];

/** How a metric rule compares the value with its threshold. */
export const COMPARISON_OPS = ['>', '>=', '<', '<='] as const;

/** One of {@link COMPARISON_OPS}. */
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** Log streams a log rule can restrict itself to. */
export const LOG_STREAMS = ['stdout', 'stderr'] as const;

/** One of {@link LOG_STREAMS}. */
export type LogStream = (typeof LOG_STREAMS)[number];

/** What a one-shot log match, a die or an OOM stays firing for without a new occurrence, unless the rule says. */
export const DEFAULT_RESOLVE_AFTER_MS = 5 * 60_000;

/** Exit codes a die rule ignores unless it says otherwise. */
export const DEFAULT_IGNORED_EXIT_CODES: readonly number[] = [0];

/** Keys every rule has; durations are milliseconds. */
export type RuleBase = {
  name: string;
  severity: Severity;
  /** Which watched containers the rule looks at; all of them when absent. */
  containers?: ContainerSelector;
  labels?: Record<string, string>;
  /** Templates; `summary` (and `description` for log rules) default per kind. */
  annotations?: Record<string, string>;
  /** How long the condition must hold before the alert fires (0: at once). */
  for?: number;
  /** How long a firing alert stays firing after its condition stopped holding; the section's default when absent. */
  keepFiringFor?: number;
};

/** N matches within a window, counted per container or per value of a container label. */
export type LogThreshold = { count: number; window: number; by?: string };

/** A regex or substring over log lines: one-shot, a threshold, or an absence. */
export type LogRule = RuleBase & {
  kind: 'log';
  match?: string;
  contains?: string;
  ignoreCase?: boolean;
  stream?: LogStream;
  threshold?: LogThreshold;
  /** Fires when no line matches for this long (per running container, or per `by` group). */
  absentFor?: number;
  /** Grouping of one-shot and absence rules: `container` (default) or a container label key. */
  by?: string;
  /** One-shot rules: resolves after this long without a new match. */
  resolveAfter?: number;
};

/** An engine event condition. */
export type EventRule = RuleBase & {
  kind: 'event';
  event: EventCondition;
  /** `die` only. */
  ignoreExitCodes?: number[];
  /** `restart-loop` only: restarts within a window. */
  threshold?: { count: number; window: number };
  /** `die` and `oom`: resolves after this long without a new occurrence. */
  resolveAfter?: number;
};

/** A per-container figure compared with a threshold on every metrics snapshot. */
export type MetricRule = RuleBase & {
  kind: 'metric';
  metric: MetricName;
  op: ComparisonOp;
  value: number;
};

/** One rule of `alerts.rules`, as the schema hands it over. */
export type AlertRule = LogRule | EventRule | MetricRule;

/** The grouping of a log rule: `container` or a container label key. */
export function logGrouping(rule: LogRule): string {
  return rule.threshold?.by ?? rule.by ?? 'container';
}
