import type { NotifierConfigOf } from '../../config/notifiersSchema';
import type { Alert, AlertNotification } from '../alert';
import { postJson } from './httpPost';
import type { Notifier } from './notifier';

/** One element of the body of Alertmanager's `POST /api/v2/alerts`. */
export type PostableAlert = {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
};

/** What the Alertmanager rendering needs besides the notification. */
export type AlertmanagerOptions = {
  now: number;
  /** How often firing alerts are re-sent; a firing alert's endsAt is now + 4 × this. */
  resendIntervalMs: number;
};

/** Firing alerts expire this many resend intervals after the last send, unless sent again. */
export const RESEND_INTERVALS_TO_EXPIRY = 4;

/**
 * The Alertmanager v2 body for an alert notification: labels (alertname, severity, host, container and the rule's
 * labels; names made valid), annotations, startsAt; endsAt = now + 4 × resendInterval while firing (so Alertmanager
 * drops what dockwatch stops re-sending), or the resolution time once resolved.
 */
export function renderAlertmanager(notification: AlertNotification, options: AlertmanagerOptions): PostableAlert[] {
  return notification.alerts.map((alert) => {
    const startsAt = alert.firedAt ?? alert.activeAt;
    const endsAt =
      notification.status === 'resolved'
        ? Math.min(alert.resolvedAt ?? options.now, options.now)
        : options.now + RESEND_INTERVALS_TO_EXPIRY * options.resendIntervalMs;
    return {
      labels: labelSet({
        ...alert.labels,
        alertname: alert.labels.alertname ?? notification.rule,
        severity: alert.severity,
        host: alert.labels.host ?? notification.host,
      }),
      annotations: labelSet(annotations(alert)),
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(Math.max(endsAt, startsAt)).toISOString(),
    };
  });
}

/**
 * An Alertmanager (API v2). Firing alerts must be re-sent every `resendIntervalMs` (the alert engine does that) or
 * they expire. Digests are not alerts: `deliver` answers ok with status 0 and sends nothing.
 */
export function alertmanager(config: NotifierConfigOf<'alertmanager'>, now: () => number): Notifier {
  const url = `${config.url.replace(/\/+$/, '')}/api/v2/alerts`;
  return {
    name: config.name,
    type: 'alertmanager',
    resendIntervalMs: config.resendInterval,
    deliver: async (notification, signal) => {
      if (notification.kind === 'digest') return { ok: true, status: 0 };
      const body = renderAlertmanager(notification, { now: now(), resendIntervalMs: config.resendInterval });
      return postJson({ name: config.name, url, body, timeoutMs: config.timeout, signal, now });
    },
  };
}

function annotations(alert: Alert): Record<string, string> {
  const out = { ...alert.annotations };
  if (alert.lines?.length && out.line === undefined) out.line = alert.lines.join('\n');
  if (alert.value !== undefined && out.value === undefined) out.value = String(alert.value);
  return out;
}

/** Names made valid Prometheus label names (`com.docker.x` → `com_docker_x`), empty values left out. */
function labelSet(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    if (value === '') continue;
    const valid = name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^(?=\d)/, '_');
    if (valid && out[valid] === undefined) out[valid] = value;
  }
  return out;
}
