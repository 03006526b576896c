import type { Alert, AlertNotification, DigestNotification, Notification } from '../alert';

/** A name/value pair shown as a field of a chat message. */
export type Fact = { name: string; value: string };

/** Labels that every alert carries and chat messages show elsewhere (title, colour, own fields). */
const SHOWN_APART = new Set(['alertname', 'severity', 'host', 'container']);

/** The title of a message: `crashed`, `3 alerts: crashed`, `Resolved: crashed`, `Digest: host-a`. */
export function headline(notification: Notification): string {
  if (notification.kind === 'digest') return `Digest: ${notification.host}`;
  const what = notification.count === 1 ? notification.rule : `${notification.count} alerts: ${notification.rule}`;
  return notification.status === 'resolved' ? `Resolved: ${what}` : what;
}

/** How one alert is named in a list: its container, else its grouping key. */
export function alertName(alert: Alert): string {
  return alert.labels.container ?? alert.key;
}

/** The facts of one alert shown as fields: container, host, value or count, state and the remaining labels. */
export function alertFacts(alert: Alert, host: string): Fact[] {
  const facts: Fact[] = [];
  if (alert.labels.container) facts.push({ name: 'Container', value: alert.labels.container });
  facts.push({ name: 'Host', value: alert.labels.host ?? host });
  if (alert.value !== undefined)
    facts.push({ name: alert.lines?.length ? 'Count' : 'Value', value: formatValue(alert.value) });
  facts.push({ name: 'Severity', value: alert.severity });
  const labels = Object.entries(alert.labels)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${key}=${value}`);
  if (labels.length) facts.push({ name: 'Labels', value: labels.join('\n') });
  return facts;
}

/** The time a message shows for an alert: when it resolved, else when it fired, else when it became pending. */
export function alertTime(alert: Alert): number {
  return alert.resolvedAt ?? alert.firedAt ?? alert.activeAt;
}

/** A number as people read it: integers as is, others with at most 3 decimals. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

/** The period a digest covers, in UTC: `2026-05-01 09:00 – 2026-05-02 09:00 UTC`. */
export function digestPeriod(digest: DigestNotification): string {
  const at = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `${at(digest.from)} – ${at(digest.to)} UTC`;
}

/** What a notification is about in one line of plain text (notification previews, fallbacks). */
export function oneLiner(notification: AlertNotification, alert: Alert): string {
  const summary = alert.annotations.summary;
  return summary ? `${alertName(alert)}: ${summary}` : `${alertName(alert)} (${notification.status})`;
}
