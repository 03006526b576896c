import { formatDuration } from '../config/duration';
import type { AlertRule, EventRule, LogRule } from '../config/alertRule';
import { logGrouping } from '../config/alertRule';

/** The annotations of a rule: its own templates over the defaults of its kind (`summary`, and `description` for logs). */
export function ruleAnnotations(rule: AlertRule): Record<string, string> {
  return { ...defaultAnnotations(rule), ...rule.annotations };
}

function defaultAnnotations(rule: AlertRule): Record<string, string> {
  switch (rule.kind) {
    case 'log':
      return { summary: logSummary(rule), description: rule.absentFor === undefined ? '{{line}}' : '' };
    case 'event':
      return { summary: eventSummary(rule) };
    case 'metric':
      return { summary: `{{container}} on {{host}}: ${rule.metric} is {{value}} (${rule.op} ${rule.value})` };
  }
}

function logSummary(rule: LogRule): string {
  const by = logGrouping(rule);
  const where = by === 'container' ? '{{container}}' : `containers with ${by}={{labels.${by}}}`;
  if (rule.threshold)
    return `{{count}} lines matching ${rule.name} in ${formatDuration(rule.threshold.window)} from ${where} on {{host}}`;
  if (rule.absentFor !== undefined) {
    return `No line matching ${rule.name} from ${where} on {{host}} for ${formatDuration(rule.absentFor)}`;
  }
  return `{{container}} on {{host}} logged a line matching ${rule.name}`;
}

function eventSummary(rule: EventRule): string {
  switch (rule.event) {
    case 'die':
      return '{{container}} on {{host}} exited with code {{value}}';
    case 'oom':
      return '{{container}} on {{host}} was killed for running out of memory';
    case 'restart-loop':
      return `{{container}} on {{host}} restarted {{count}} times in ${formatDuration(rule.threshold?.window ?? 0)}`;
    case 'unhealthy':
      return '{{container}} on {{host}} is unhealthy';
    case 'unexpected-stop':
      return '{{container}} on {{host}} stopped without an operator asking (exit code {{value}})';
    case 'engine-down':
      return 'The Docker engine on {{host}} is unreachable';
    case 'update-available':
      return '{{container}} on {{host}}: {{labels.image}} now points to another image ({{labels.digest}})';
  }
}
