import { validateDetailed } from 'node-cron';
import { z } from 'zod';
import type { AlertRule } from './alertRule';
import { COMPARISON_OPS, EVENT_CONDITIONS, LOG_STREAMS, METRIC_NAMES, SEVERITIES } from './alertRule';
import { patternRegExp } from './logPattern';
import { templateProblems } from './templateSyntax';
import { isEmptySelector } from './containerSelector';
import { describeValue, duration, flag, integer, selector, stringList, text, whenValid } from './fields';
import { isMapping } from './keyPath';
import { closestMatch } from './suggest';

const SECOND = 1000;
const RULE_KINDS = ['log', 'event', 'metric'] as const;
const RESERVED_LABELS = ['alertname', 'severity', 'host', 'container'];
const KIND_KEYS: Record<(typeof RULE_KINDS)[number], readonly string[]> = {
  log: ['match', 'contains', 'ignoreCase', 'stream', 'threshold', 'absentFor', 'by', 'resolveAfter'],
  event: ['event', 'ignoreExitCodes', 'threshold', 'resolveAfter'],
  metric: ['metric', 'op', 'value'],
};

type Ctx = z.core.$RefinementCtx;
type Raw = Record<string, unknown>;

/** A number; a numeric string (from `${VAR}`) is accepted. */
function decimal() {
  return z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), z.number());
}

/** A mapping of label (or alert label) names to values or globs. */
function labelMap() {
  return z.record(z.string(), z.string());
}

/** An annotation template: `{{container}}`, `{{host}}`, `{{line}}`, `{{value}}`, `{{count}}`, `{{labels.KEY}}`, … */
function template() {
  return z.string().superRefine((s, ctx) => {
    for (const message of templateProblems(s)) ctx.addIssue({ code: 'custom', message });
  });
}

/** A cron expression as node-cron reads it (5 fields, or 6 with seconds first). */
function cron() {
  return z.string().superRefine((s, ctx) => {
    const result = validateDetailed(s);
    if (result.valid) return;
    const why = result.errors.map((e) => e.message).join('; ');
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a cron expression: ${why}` });
  });
}

/** An IANA time zone name (`UTC`, `Europe/Berlin`). */
function timeZone() {
  return z.string().superRefine((s, ctx) => {
    // UTC is always valid; asking Intl would page in ~6 MB of ICU data that an agent without time zones never needs.
    if (s === 'UTC') return;
    try {
      new Intl.DateTimeFormat('en', { timeZone: s });
    } catch {
      const guess = closestMatch(s, Intl.supportedValuesOf('timeZone'));
      const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : 'use an IANA name such as UTC or Europe/Berlin';
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a time zone (${hint})` });
    }
  });
}

/** A point in time, RFC 3339 (`2026-12-31T00:00:00Z`); kept as its ISO string so the config reads back the same. */
function timestamp() {
  return z.unknown().transform((input, ctx): string => {
    const ms = input instanceof Date ? input.getTime() : typeof input === 'string' ? rfc3339(input) : NaN;
    if (Number.isNaN(ms)) {
      const message = `${describeValue(input)} is not a time (use RFC 3339, e.g. 2026-12-31T00:00:00Z)`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });
}

function rfc3339(s: string): number {
  return /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(s) ? Date.parse(s) : NaN;
}

const thresholdSchema = z.strictObject({
  count: integer(1),
  window: duration(SECOND),
  by: text().optional(),
});

const ruleSchema = z
  .strictObject({
    name: text(),
    kind: z.enum(RULE_KINDS),
    severity: z.enum(SEVERITIES).prefault('warning'),
    containers: selector().optional(),
    labels: labelMap().optional(),
    annotations: z.record(z.string(), template()).optional(),
    for: duration().optional(),
    keepFiringFor: duration().optional(),
    match: text().optional(),
    contains: text().optional(),
    ignoreCase: flag().optional(),
    stream: z.enum(LOG_STREAMS).optional(),
    threshold: thresholdSchema.optional(),
    absentFor: duration(SECOND).optional(),
    by: text().optional(),
    resolveAfter: duration(SECOND).optional(),
    event: z.enum(EVENT_CONDITIONS).optional(),
    ignoreExitCodes: z.array(integer(0)).optional(),
    metric: z.enum(METRIC_NAMES).optional(),
    op: z.enum(COMPARISON_OPS).optional(),
    value: decimal().optional(),
  })
  .superRefine((rule, ctx) => checkRule(rule as Raw, ctx), whenValid('kind'))
  .transform((rule) => rule as AlertRule);

function checkRule(rule: Raw, ctx: Ctx): void {
  const kind = rule.kind as (typeof RULE_KINDS)[number];
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  for (const [other, keys] of Object.entries(KIND_KEYS)) {
    if (other === kind) continue;
    for (const key of keys) {
      if (rule[key] !== undefined && !KIND_KEYS[kind].includes(key)) {
        issue([key], `not a key of ${kind} rules (only ${other} rules have it)`);
      }
    }
  }
  for (const key of Object.keys(isMapping(rule.labels) ? rule.labels : {})) {
    if (RESERVED_LABELS.includes(key))
      issue(['labels', key], `is set by dockwatch (reserved: ${RESERVED_LABELS.join(', ')})`);
  }
  if (isMapping(rule.containers) && isEmptySelector(rule.containers)) {
    issue(['containers'], 'selects no container (give names or labels; names: ["*"] selects all)');
  }
  if (kind === 'log') checkLogRule(rule, issue);
  if (kind === 'event') checkEventRule(rule, issue);
  if (kind === 'metric') {
    for (const key of ['metric', 'op', 'value'])
      if (rule[key] === undefined) issue([key], 'is required for a metric rule');
  }
}

function checkLogRule(rule: Raw, issue: (path: (string | number)[], message: string) => void): void {
  if (rule.match === undefined && rule.contains === undefined) {
    issue([], 'a log rule needs match (a regular expression) or contains (a substring)');
  }
  if (rule.match !== undefined && rule.contains !== undefined) issue(['contains'], 'give match or contains, not both');
  if (typeof rule.match === 'string') {
    try {
      patternRegExp({ regex: rule.match, ignoreCase: rule.ignoreCase === true });
    } catch (err) {
      const reason = (err as Error).message.split(': ').pop() ?? '';
      issue(['match'], `${JSON.stringify(rule.match)} is not a valid regular expression: ${reason}`);
    }
  }
  if (rule.threshold !== undefined && rule.absentFor !== undefined) {
    issue(['absentFor'], 'a log rule has a threshold or absentFor, not both');
  }
  if (rule.resolveAfter !== undefined && (rule.threshold !== undefined || rule.absentFor !== undefined)) {
    issue(['resolveAfter'], 'only one-shot log rules (no threshold, no absentFor) resolve after a delay');
  }
  if (rule.by !== undefined && rule.threshold !== undefined) issue(['by'], 'with a threshold, give it as threshold.by');
}

function checkEventRule(rule: Raw, issue: (path: (string | number)[], message: string) => void): void {
  const event = rule.event;
  if (event === undefined) {
    issue(['event'], `is required for an event rule (one of ${EVENT_CONDITIONS.join(', ')})`);
    return;
  }
  if (rule.ignoreExitCodes !== undefined && event !== 'die') issue(['ignoreExitCodes'], 'only applies to event: die');
  if (event === 'restart-loop' && rule.threshold === undefined) {
    issue(['threshold'], 'is required for event: restart-loop (e.g. { count: 3, window: 5m })');
  }
  if (event !== 'restart-loop' && rule.threshold !== undefined) {
    issue(['threshold'], 'only applies to event: restart-loop');
  }
  if (isMapping(rule.threshold) && rule.threshold.by !== undefined) {
    issue(['threshold', 'by'], 'only log thresholds group by a label');
  }
  if (rule.resolveAfter !== undefined && event !== 'die' && event !== 'oom') {
    issue(['resolveAfter'], 'only applies to event: die and event: oom');
  }
  if (event === 'engine-down' && rule.containers !== undefined) {
    issue(['containers'], 'an engine-down rule watches the engine, not containers');
  }
  if (event === 'update-available' && isMapping(rule.labels)) {
    for (const key of ['image', 'digest']) {
      if (rule.labels[key] !== undefined) issue(['labels', key], 'is set by dockwatch on update-available alerts');
    }
  }
}

const routeSchema = z.strictObject({
  match: z
    .strictObject({
      severity: z.enum(SEVERITIES).optional(),
      rule: text().optional(),
      labels: labelMap().optional(),
    })
    .optional(),
  notifiers: stringList(),
  continue: flag().optional(),
});

const silenceSchema = z
  .strictObject({
    matchers: labelMap(),
    until: timestamp(),
    comment: z.string().prefault(''),
    createdBy: text().prefault('config'),
  })
  .superRefine((silence, ctx) => {
    if (isMapping(silence.matchers) && Object.keys(silence.matchers).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['matchers'], message: 'must not be empty (a silence needs a matcher)' });
    }
  }, whenValid('matchers'));

const maintenanceSchema = z.strictObject({
  schedule: cron(),
  duration: duration(SECOND),
  timezone: timeZone().prefault('UTC'),
  matchers: labelMap().optional(),
  comment: z.string().optional(),
});

const digestSchema = z.strictObject({
  schedule: cron().prefault('0 9 * * *'),
  timezone: timeZone().prefault('UTC'),
  notifiers: stringList().prefault([]),
});

/**
 * The `alerts:` section: rules, routes, silences, maintenance windows and the digest. Durations parse to ms; every
 * key is optional. `groupWait` is how long a group's first notification waits for more alerts of its burst (each new
 * one restarts it, never past `groupWindow`); later ones go out at most once per `groupWindow`.
 */
export const alertsSchema = z
  .strictObject({
    groupWait: duration().prefault('100ms'),
    groupWindow: duration().prefault('30s'),
    repeatInterval: duration(SECOND).prefault('4h'),
    keepFiringFor: duration().prefault('0s'),
    rules: z.array(ruleSchema).prefault([]),
    routes: z.array(routeSchema).prefault([]),
    silences: z.array(silenceSchema).prefault([]),
    maintenance: z.array(maintenanceSchema).prefault([]),
    digest: digestSchema.prefault({}),
  })
  .superRefine((alerts, ctx) => checkSection(alerts as Raw, ctx), whenValid('rules', 'routes'));

function checkSection(alerts: Raw, ctx: Ctx): void {
  const rules = Array.isArray(alerts.rules) ? (alerts.rules as Raw[]) : [];
  const names = rules.map((rule) => rule.name);
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first < i) {
      const message = `${JSON.stringify(name)} is already the name of alerts.rules[${first}]`;
      ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message });
    }
  });
  const routes = Array.isArray(alerts.routes) ? (alerts.routes as Raw[]) : [];
  routes.forEach((route, i) => {
    const rule = isMapping(route.match) ? route.match.rule : undefined;
    if (typeof rule === 'string' && !/[*?[]/.test(rule) && !names.includes(rule)) {
      const guess = closestMatch(
        rule,
        names.filter((n): n is string => typeof n === 'string'),
      );
      const message = `no rule is named ${JSON.stringify(rule)}${guess ? ` (did you mean ${JSON.stringify(guess)}?)` : ''}`;
      ctx.addIssue({ code: 'custom', path: ['routes', i, 'match', 'rule'], message });
    }
    if (route.match === undefined && route.continue !== true && i < routes.length - 1) {
      const message = 'has no match, so it takes every alert and the routes after it never apply (move it last)';
      ctx.addIssue({ code: 'custom', path: ['routes', i], message });
    }
  });
}

/** The validated `alerts:` section with defaults applied; durations are milliseconds. */
export type AlertsConfig = z.output<typeof alertsSchema>;

/** One route: the first whose `match` fits an alert decides its notifiers (`continue` also tries the next). */
export type RouteConfig = AlertsConfig['routes'][number];

/** A silence from the config file; `until` is an ISO time. */
export type SilenceConfig = AlertsConfig['silences'][number];

/** A recurring maintenance window (its schedule runs elsewhere; the engine only asks whether one is open). */
export type MaintenanceConfig = AlertsConfig['maintenance'][number];

/** When and where the digest goes. */
export type DigestConfig = AlertsConfig['digest'];
