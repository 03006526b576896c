import type { OutboxMetrics } from '../alerts/outbox';
import type { MetricFamily } from './metricFamily';
import { perScrape } from './perScrape';

/** Notification delivery: results per notifier, and what waits in the outbox. */
export function deliveryFamilies(outbox: { metrics(): OutboxMetrics }): MetricFamily[] {
  const metrics = perScrape(() => outbox.metrics());
  return [
    {
      name: 'dockwatch_notifications_total',
      help: 'Notification delivery attempts by notifier and result (sent, retried, failed, gone, expired).',
      type: 'counter',
      collect: () =>
        metrics().results.map((r) => ({ value: r.count, labels: { notifier: r.notifier, result: r.outcome } })),
    },
    {
      name: 'dockwatch_outbox_pending',
      help: 'Notifications waiting in the outbox for delivery, by notifier.',
      type: 'gauge',
      collect: () => metrics().pending.map((p) => ({ value: p.count, labels: { notifier: p.notifier } })),
    },
    {
      name: 'dockwatch_outbox_oldest_age_seconds',
      help: 'Age of the oldest notification waiting in the outbox (0 when empty).',
      type: 'gauge',
      collect: () => [{ value: metrics().oldestPendingAgeMs / 1000 }],
    },
  ];
}
