import type { RouteConfig } from '../config/alertsSchema';
import type { Alert, AlertNotification } from './alert';
import { routeNotifiers } from './routing';

/**
 * The re-sends of firing alerts to one notifier: one notification per rule holding that rule's firing alerts whose
 * route includes the notifier (each alert routed by its own labels). `alerts` are those to re-send (firing, not
 * silenced).
 */
export function resendNotifications(
  alerts: readonly Alert[],
  notifier: string,
  routes: readonly RouteConfig[],
  host: string,
  now: number,
): AlertNotification[] {
  const byRule = new Map<string, Alert[]>();
  for (const alert of alerts) {
    if (alert.state !== 'firing' || !routeNotifiers(routes, alert).includes(notifier)) continue;
    const list = byRule.get(alert.rule);
    if (list) list.push(alert);
    else byRule.set(alert.rule, [alert]);
  }
  return [...byRule].map(([rule, list]) => ({
    kind: 'alerts',
    id: `resend-${notifier}-${rule}-${now}`,
    host,
    rule,
    severity: (list[0] as Alert).severity,
    status: 'firing',
    alerts: list,
    count: list.length,
    createdAt: now,
  }));
}
