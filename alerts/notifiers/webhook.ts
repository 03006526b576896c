import type { NotifierConfigOf } from '../../config/notifiersSchema';
import type { Alert, DigestSection, Notification } from '../alert';
import { postJson } from './httpPost';
import type { Notifier } from './notifier';

/** Version of the generic webhook body; bumped only for changes that break receivers. */
export const WEBHOOK_VERSION = 1;

/** One alert in a webhook body; times are RFC 3339 strings in UTC. */
export type WebhookAlert = Omit<Alert, 'activeAt' | 'firedAt' | 'resolvedAt'> & {
  activeAt: string;
  firedAt?: string;
  resolvedAt?: string;
};

/**
 * The generic webhook body, version 1. `id` is unique per notification (deduplicate on it: a delivery interrupted
 * before its answer may come twice); `count` is how many alerts the message stands for (`alerts` may hold fewer).
 */
export type WebhookBody =
  | {
      version: 1;
      kind: 'alerts';
      id: string;
      host: string;
      rule: string;
      severity: Alert['severity'];
      status: 'firing' | 'resolved';
      count: number;
      createdAt: string;
      alerts: WebhookAlert[];
    }
  | {
      version: 1;
      kind: 'digest';
      id: string;
      host: string;
      from: string;
      to: string;
      createdAt: string;
      sections: DigestSection[];
    };

const iso = (ms: number): string => new Date(ms).toISOString();

/** The versioned JSON body for a notification (times as RFC 3339 strings). */
export function renderWebhook(notification: Notification): WebhookBody {
  if (notification.kind === 'digest') {
    const { id, host, from, to, createdAt, sections } = notification;
    return {
      version: WEBHOOK_VERSION,
      kind: 'digest',
      id,
      host,
      from: iso(from),
      to: iso(to),
      createdAt: iso(createdAt),
      sections,
    };
  }
  const { id, host, rule, severity, status, count, createdAt, alerts } = notification;
  return {
    version: WEBHOOK_VERSION,
    kind: 'alerts',
    id,
    host,
    rule,
    severity,
    status,
    count,
    createdAt: iso(createdAt),
    alerts: alerts.map(webhookAlert),
  };
}

function webhookAlert(alert: Alert): WebhookAlert {
  const { activeAt, firedAt, resolvedAt, ...rest } = alert;
  return {
    ...rest,
    activeAt: iso(activeAt),
    ...(firedAt === undefined ? {} : { firedAt: iso(firedAt) }),
    ...(resolvedAt === undefined ? {} : { resolvedAt: iso(resolvedAt) }),
  };
}

/** A generic JSON webhook: POSTs {@link renderWebhook}'s body with the configured headers. */
export function webhook(config: NotifierConfigOf<'webhook'>, now: () => number): Notifier {
  return {
    name: config.name,
    type: 'webhook',
    deliver: (notification, signal) =>
      postJson({
        name: config.name,
        url: config.url,
        body: renderWebhook(notification),
        headers: config.headers ?? {},
        timeoutMs: config.timeout,
        signal,
        now,
      }),
  };
}
