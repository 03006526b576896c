import type { StoreOperation } from '../agent/store/storeHealth';
import type { MetricFamily } from './metricFamily';

/** What the store collector reads: failed writes by operation since start (StoreHealth). */
export type StoreErrorSource = { errors(): { operation: StoreOperation; count: number }[] };

/** The agent's store: writes that failed (disk full, I/O error, read-only), by what they were for. */
export function storeFamilies(health: StoreErrorSource | undefined): MetricFamily[] {
  if (!health) return [];
  return [
    {
      name: 'dockwatch_store_errors_total',
      help:
        'Store writes that failed (disk full, I/O error, read-only), by operation: commit (checkpoints, alert state, ' +
        'queued notifications), outbox (delivery records), revisions, lease, audit, alert_posts (what the bot posted to chat), expected_stops (stops ctl asked for).',
      type: 'counter',
      collect: () => health.errors().map((e) => ({ value: e.count, labels: { operation: e.operation } })),
    },
  ];
}
