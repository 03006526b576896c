import type { RouteConfig } from '../config/alertsSchema';
import { matchesGlob } from '../config/glob';
import type { Severity } from './alert';
import { matchesLabels } from './silences';

/** The facts about an alert that routes look at. */
export type Routable = { rule: string; severity: Severity; labels: Readonly<Record<string, string>> };

/** Whether a route takes this alert; a route without `match` takes every alert. */
export function routeMatches(route: RouteConfig, alert: Routable): boolean {
  const match = route.match;
  if (!match) return true;
  if (match.severity !== undefined && match.severity !== alert.severity) return false;
  if (match.rule !== undefined && !matchesGlob(match.rule, alert.rule)) return false;
  return matchesLabels(match.labels ?? {}, alert.labels);
}

/**
 * The notifier names for an alert, in route order without repeats: the first matching route decides, and a matching
 * route with `continue: true` lets the search go on. Empty when no route matches (the alert is then sent nowhere).
 */
export function routeNotifiers(routes: readonly RouteConfig[], alert: Routable): string[] {
  const names: string[] = [];
  for (const route of routes) {
    if (!routeMatches(route, alert)) continue;
    for (const name of route.notifiers) if (!names.includes(name)) names.push(name);
    if (route.continue !== true) break;
  }
  return names;
}
