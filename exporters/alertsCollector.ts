import type { AlertEngineStats } from '../alerts/alertEngine';
import type { MetricFamily } from './metricFamily';
import { perScrape } from './perScrape';

/** The rule engine: matches per rule, alerts by state, notifications decided. */
export function alertFamilies(engine: { stats(): AlertEngineStats }): MetricFamily[] {
  const stats = perScrape(() => engine.stats());
  return [
    {
      name: 'dockwatch_rule_matches_total',
      help: 'Inputs that matched each alert rule (log lines, events, containers over a metric threshold).',
      type: 'counter',
      collect: () => Object.entries(stats().matches).map(([rule, value]) => ({ value, labels: { rule } })),
    },
    {
      name: 'dockwatch_alerts',
      help: 'Alerts by state (pending, firing, resolved but not yet announced).',
      type: 'gauge',
      collect: () => Object.entries(stats().alerts).map(([state, value]) => ({ value, labels: { state } })),
    },
    {
      name: 'dockwatch_alert_notifications_total',
      help: 'Notifications the rule engine decided, by status (firing, resolved); each goes to its routed notifiers.',
      type: 'counter',
      collect: () => Object.entries(stats().notifications).map(([status, value]) => ({ value, labels: { status } })),
    },
  ];
}
