import { renderAlertmanager } from '../../../alerts/notifiers/alertmanager';
import { T0, alertNotification, crashedNotification, logAlert } from './sampleNotifications';

const NOW = T0 + 5_000;
const options = { now: NOW, resendIntervalMs: 60_000 };

describe('renderAlertmanager', () => {
  it('sends a firing alert with its labels and annotations, expiring 4 resend intervals from now', () => {
    expect(renderAlertmanager(alertNotification([logAlert()]), options)).toEqual([
      {
        labels: { alertname: 'app-errors', severity: 'warning', host: 'host-a', container: 'web-1', team: 'web' },
        annotations: {
          summary: '5 errors in web-1 on host-a',
          description: 'ERROR db timeout',
          line: '2026-05-04 ERROR db timeout after 5000ms\n2026-05-04 ERROR retry failed',
          value: '5',
        },
        startsAt: '2026-05-04T09:00:00.000Z',
        endsAt: '2026-05-04T09:04:05.000Z',
      },
    ]);
  });

  it('ends a resolved alert at its resolution time', () => {
    const alert = logAlert({ state: 'resolved', resolvedAt: T0 + 2_000 });
    const [sent] = renderAlertmanager(alertNotification([alert], { status: 'resolved' }), options);
    expect(sent?.startsAt).toBe('2026-05-04T09:00:00.000Z');
    expect(sent?.endsAt).toBe('2026-05-04T09:00:02.000Z');
  });

  it('sends one element per alert of the notification', () => {
    const sent = renderAlertmanager(crashedNotification(3), options);
    expect(sent.map((a) => a.labels.container)).toEqual(['web-1', 'web-2', 'web-3']);
    expect(sent.every((a) => a.labels.alertname === 'crashed' && a.labels.severity === 'critical')).toBe(true);
  });

  it('makes label names valid for Alertmanager and leaves out empty values', () => {
    const alert = logAlert({
      labels: { alertname: 'app-errors', 'com.docker.compose.service': 'web', '1st': 'x', empty: '' },
      annotations: { 'runbook-url': 'https://runbooks.example/app-errors' },
      lines: [],
      value: undefined,
    });
    const [sent] = renderAlertmanager(alertNotification([alert]), options);
    expect(sent?.labels).toEqual({
      alertname: 'app-errors',
      com_docker_compose_service: 'web',
      _1st: 'x',
      severity: 'warning',
      host: 'host-a',
    });
    expect(sent?.annotations).toEqual({ runbook_url: 'https://runbooks.example/app-errors' });
  });

  it('starts an alert that never fired (pending only) at its active time', () => {
    const [sent] = renderAlertmanager(alertNotification([logAlert({ firedAt: undefined })]), options);
    expect(sent?.startsAt).toBe('2026-05-04T08:59:00.000Z');
  });
});
