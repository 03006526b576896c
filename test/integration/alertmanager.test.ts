import { openStore } from '../../agent/store/database';
import type { Store } from '../../agent/store/database';
import { buildNotifiers } from '../../alerts/notifiers/buildNotifiers';
import { Outbox } from '../../alerts/outbox';
import { notifiersSchema } from '../../config/notifiersSchema';
import type { RunningAlertmanager } from '../support/alertmanager';
import { startAlertmanager } from '../support/alertmanager';
import { waitFor } from '../support/waitFor';
import { crashedNotification } from '../unit/notifiers/sampleNotifications';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('Alertmanager notifier against a real Alertmanager (Debian prometheus-alertmanager)', () => {
  let alertmanager: RunningAlertmanager;
  let store: Store;
  let outbox: Outbox;

  beforeAll(async () => {
    alertmanager = await startAlertmanager();
    const config = notifiersSchema.parse([
      { name: 'am', type: 'alertmanager', url: alertmanager.url, resendInterval: '1m' },
    ]);
    const { notifiers } = buildNotifiers(config, Date.now);
    store = openStore(':memory:');
    outbox = new Outbox({ store, notifiers, logger: silent, initialBackoffMs: 100, maxBackoffMs: 500 });
    outbox.start();
  });

  afterAll(async () => {
    await outbox?.stop();
    store?.close();
    await alertmanager?.stop();
  });

  it('holds firing alerts with their labels and annotations, and drops them once resolved', async () => {
    const firedAt = Date.now() - 30_000;
    const firing = crashedNotification(2, { id: 'am-firing', createdAt: firedAt });
    for (const alert of firing.alerts)
      Object.assign(alert, { activeAt: firedAt, firedAt, labels: { ...alert.labels, team: 'web' } });
    outbox.enqueue(firing, ['am']);

    const held = await waitFor(
      async () => {
        const alerts = (await alertmanager.alerts()).filter((a) => a.labels.alertname === 'crashed');
        return alerts.length === 2 ? alerts : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'two crashed alerts in Alertmanager' },
    );
    const byContainer = held.sort((a, b) => (a.labels.container ?? '').localeCompare(b.labels.container ?? ''));
    expect(byContainer.map((a) => a.labels)).toEqual([
      { alertname: 'crashed', severity: 'critical', host: 'host-a', container: 'web-1', team: 'web' },
      { alertname: 'crashed', severity: 'critical', host: 'host-a', container: 'web-2', team: 'web' },
    ]);
    expect(byContainer.map((a) => a.annotations)).toEqual([
      { summary: 'web-1 exited with code 1' },
      { summary: 'web-2 exited with code 1' },
    ]);
    expect(byContainer.every((a) => a.status.state === 'active')).toBe(true);
    expect(Date.parse(byContainer[0]?.startsAt ?? '')).toBe(firedAt);
    expect(Date.parse(byContainer[0]?.endsAt ?? '')).toBeGreaterThan(Date.now() + 3 * 60_000);

    const resolvedAt = Date.now();
    const resolved = crashedNotification(2, { id: 'am-resolved', status: 'resolved', createdAt: resolvedAt });
    for (const alert of resolved.alerts) {
      Object.assign(alert, {
        state: 'resolved',
        activeAt: firedAt,
        firedAt,
        resolvedAt,
        labels: { ...alert.labels, team: 'web' },
      });
    }
    outbox.enqueue(resolved, ['am']);
    await waitFor(async () => (await alertmanager.alerts()).every((a) => a.labels.alertname !== 'crashed'), {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the crashed alerts to be resolved in Alertmanager',
    });
    const results = outbox.metrics().results.filter((r) => r.notifier === 'am' && r.count > 0);
    expect(results).toEqual([{ notifier: 'am', outcome: 'sent', count: 2 }]);
  });
});
