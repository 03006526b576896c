import type { Alert, AlertNotification, DigestNotification } from '../../../alerts/alert';

/** 2026-05-04T09:00:00.000Z: every sample time is relative to it. */
export const T0 = Date.UTC(2026, 4, 4, 9, 0, 0);

/** One firing alert of a log rule, with the lines that fired it. */
export function logAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    key: 'app-errors{container="web-1"}',
    rule: 'app-errors',
    severity: 'warning',
    state: 'firing',
    labels: { alertname: 'app-errors', severity: 'warning', host: 'host-a', container: 'web-1', team: 'web' },
    annotations: { summary: '5 errors in web-1 on host-a', description: 'ERROR db timeout' },
    activeAt: T0 - 60_000,
    firedAt: T0,
    value: 5,
    lines: ['2026-05-04 ERROR db timeout after 5000ms', '2026-05-04 ERROR retry failed'],
    ...overrides,
  };
}

/** A notification for `alerts` of rule app-errors (count = alerts unless given). */
export function alertNotification(alerts: Alert[], overrides: Partial<AlertNotification> = {}): AlertNotification {
  return {
    kind: 'alerts',
    id: 'n-1',
    host: 'host-a',
    rule: 'app-errors',
    severity: 'warning',
    status: 'firing',
    alerts,
    count: alerts.length,
    createdAt: T0 + 1_000,
    ...overrides,
  };
}

/** `n` firing alerts of rule crashed, one per container web-1 … web-n. */
export function crashedAlerts(n: number): Alert[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `crashed{container="web-${i + 1}"}`,
    rule: 'crashed',
    severity: 'critical' as const,
    state: 'firing' as const,
    labels: { alertname: 'crashed', severity: 'critical', host: 'host-a', container: `web-${i + 1}` },
    annotations: { summary: `web-${i + 1} exited with code 1` },
    activeAt: T0,
    firedAt: T0,
  }));
}

/** A notification of `n` crashed alerts. */
export function crashedNotification(n: number, overrides: Partial<AlertNotification> = {}): AlertNotification {
  return alertNotification(crashedAlerts(n), { rule: 'crashed', severity: 'critical', ...overrides });
}

/** A daily digest of host-a. */
export function digest(overrides: Partial<DigestNotification> = {}): DigestNotification {
  return {
    kind: 'digest',
    id: 'd-1',
    host: 'host-a',
    from: T0 - 86_400_000,
    to: T0,
    sections: [
      {
        title: 'Restarts',
        rows: [
          { name: 'web-1', value: '3' },
          { name: 'worker', value: '1' },
        ],
      },
      { title: 'OOM kills', rows: [] },
      { title: 'Noisiest rules', rows: [{ name: 'app-errors', value: '42 matches' }] },
    ],
    createdAt: T0,
    ...overrides,
  };
}
