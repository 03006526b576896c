import type { Alert } from '../../../alerts/alert';
import { resendNotifications } from '../../../alerts/resendNotifications';
import type { RouteConfig } from '../../../config/alertsSchema';

function alert(rule: string, container: string, state: Alert['state'] = 'firing', team = 'web'): Alert {
  return {
    key: `${rule}{container="${container}"}`,
    rule,
    severity: 'warning',
    state,
    labels: { alertname: rule, host: 'host-a', container, team },
    annotations: {},
    activeAt: 1000,
    firedAt: 1000,
  };
}

const routes: RouteConfig[] = [
  { match: { labels: { team: 'db' } }, notifiers: ['am-db'] },
  { notifiers: ['am'] },
] as RouteConfig[];

describe('resendNotifications', () => {
  it('gathers the firing alerts the notifier routes, one notification per rule', () => {
    const out = resendNotifications(
      [
        alert('crashed', 'web-1'),
        alert('crashed', 'web-2'),
        alert('crashed', 'db-1', 'firing', 'db'),
        alert('memory-high', 'web-1'),
        alert('crashed', 'web-3', 'resolved'),
        alert('crashed', 'web-4', 'pending'),
      ],
      'am',
      routes,
      'host-a',
      5000,
    );
    expect(out.map((n) => [n.rule, n.status, n.count, n.alerts.map((a) => a.labels.container)])).toEqual([
      ['crashed', 'firing', 2, ['web-1', 'web-2']],
      ['memory-high', 'firing', 1, ['web-1']],
    ]);
    expect(new Set(out.map((n) => n.id)).size).toBe(2);
    expect(out.every((n) => n.host === 'host-a' && n.createdAt === 5000)).toBe(true);
  });

  it('routes each alert by its own labels', () => {
    const out = resendNotifications(
      [alert('crashed', 'web-1'), alert('crashed', 'db-1', 'firing', 'db')],
      'am-db',
      routes,
      'host-a',
      5000,
    );
    expect(out.map((n) => n.alerts.map((a) => a.labels.container))).toEqual([['db-1']]);
  });
});
