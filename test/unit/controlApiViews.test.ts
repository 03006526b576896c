import type { Alert } from '../../alerts/alert';
import { Silences } from '../../alerts/silences';
import { alertView, silenceView } from '../../bot/controlApiViews';

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('alertView', () => {
  const alert: Alert = {
    key: 'app-errors{container="web-1"}',
    rule: 'app-errors',
    severity: 'warning',
    state: 'firing',
    labels: { alertname: 'app-errors', severity: 'warning', host: 'host-a', container: 'web-1' },
    annotations: { summary: '1 error in web-1' },
    activeAt: T0,
    firedAt: T0 + 1500,
    lines: ['ERROR disk full'],
  };

  it('shows times as RFC 3339 and names the silence holding it back', () => {
    expect(alertView(alert, 'sil-1')).toEqual({
      key: 'app-errors{container="web-1"}',
      rule: 'app-errors',
      severity: 'warning',
      state: 'firing',
      labels: { alertname: 'app-errors', severity: 'warning', host: 'host-a', container: 'web-1' },
      annotations: { summary: '1 error in web-1' },
      activeAt: '2026-01-01T00:00:00.000Z',
      firedAt: '2026-01-01T00:00:01.500Z',
      lines: ['ERROR disk full'],
      silencedBy: 'sil-1',
    });
  });

  it('leaves out what the alert does not have', () => {
    const pending: Alert = { ...alert, state: 'pending', firedAt: undefined, lines: undefined };
    expect(Object.keys(alertView(pending))).toEqual([
      'key',
      'rule',
      'severity',
      'state',
      'labels',
      'annotations',
      'activeAt',
    ]);
  });
});

describe('silenceView', () => {
  const silences = new Silences(
    [
      {
        matchers: { container: 'batch-*' },
        until: '2026-02-01T00:00:00.000Z',
        comment: 'nightly',
        createdBy: 'config',
      },
    ],
    () => T0,
    () => 'abc123',
  );

  it('shows a runtime silence with when it was made', () => {
    const s = silences.add({ matchers: { rule: 'crashed' }, until: T0 + 3_600_000, createdBy: 'alice' });
    expect(silenceView(s)).toEqual({
      id: 'abc123',
      matchers: { rule: 'crashed' },
      until: '2026-01-01T01:00:00.000Z',
      comment: '',
      createdBy: 'alice',
      createdAt: '2026-01-01T00:00:00.000Z',
      source: 'runtime',
    });
  });

  it('shows a silence of the config file without a creation time', () => {
    const fromFile = silences.list().find((s) => s.source === 'config');
    expect(fromFile && silenceView(fromFile)).toEqual({
      id: 'config-1',
      matchers: { container: 'batch-*' },
      until: '2026-02-01T00:00:00.000Z',
      comment: 'nightly',
      createdBy: 'config',
      source: 'config',
    });
  });
});
