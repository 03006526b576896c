import type { Alert, AlertNotification } from '../../../alerts/alert';
import { DigestAccumulator } from '../../../alerts/digest';
import { DigestStateStore } from '../../../alerts/digestStore';
import type { ContainerEvent } from '../../../alerts/inputs';
import { openStore } from '../../../agent/store/database';

const T0 = Date.parse('2026-11-29T09:00:00Z');
const T1 = Date.parse('2026-11-30T09:00:00Z');

function ev(name: string, e: { action: string; exitCode?: number }): ContainerEvent {
  return { container: { id: `id-${name}`, name, labels: {} }, time: T0, ...e } as ContainerEvent;
}

function alert(key: string, firedAt: number, resolvedAt?: number): Alert {
  return {
    key,
    rule: key.split('{')[0]!,
    severity: 'warning',
    state: resolvedAt ? 'resolved' : 'firing',
    labels: {},
    annotations: {},
    activeAt: firedAt,
    firedAt,
    resolvedAt,
  };
}

function notification(status: 'firing' | 'resolved', rule: string, alerts: Alert[], count = alerts.length) {
  const n: AlertNotification = {
    kind: 'alerts',
    id: `n-${Math.random()}`,
    host: 'host-a',
    rule,
    severity: 'warning',
    status,
    alerts,
    count,
    createdAt: T0,
  };
  return n;
}

/** A day on host-a: crash loops, a `docker restart`, a stop and start, an OOM kill, matching lines, alerts. */
function busyDay(digest: DigestAccumulator): void {
  for (const e of [
    ev('web', { action: 'die', exitCode: 1 }),
    ev('web', { action: 'start' }),
    ev('web', { action: 'die', exitCode: 1 }),
    ev('web', { action: 'start' }),
    ev('api', { action: 'kill' }),
    ev('api', { action: 'die', exitCode: 143 }),
    ev('api', { action: 'stop' }),
    ev('api', { action: 'start' }),
    ev('api', { action: 'restart' }),
    ev('db', { action: 'die', exitCode: 0 }),
    ev('db', { action: 'stop' }),
    ev('db', { action: 'start' }),
    ev('worker', { action: 'oom' }),
    ev('worker', { action: 'die', exitCode: 137 }),
  ]) {
    digest.event(e);
  }
  for (let i = 0; i < 3; i++) digest.logMatch('web', [{ rule: 'app-errors', severity: 'warning' }]);
  digest.logMatch('web', [
    { rule: 'app-errors', severity: 'warning' },
    { rule: 'fatal', severity: 'critical' },
  ]);
  digest.logMatch('api', [{ rule: 'timeouts', severity: 'info' }]);
  const crashed = [alert('crashed{container="web"}', T0 + 1000), alert('crashed{container="api"}', T0 + 2000)];
  digest.alertNotification(notification('firing', 'crashed', crashed));
  digest.alertNotification(notification('firing', 'crashed', crashed));
  digest.alertNotification(
    notification('resolved', 'crashed', [alert('crashed{container="web"}', T0 + 1000, T0 + 9000)]),
  );
  digest.alertNotification(notification('firing', 'oom-killed', [alert('oom-killed{container="worker"}', T0)], 3));
}

describe('DigestAccumulator', () => {
  it('reports a period: totals, then each section by count', () => {
    const digest = new DigestAccumulator('host-a', T0);
    busyDay(digest);
    expect(digest.build(T0, T1)).toEqual({
      kind: 'digest',
      id: `digest-host-a-${T1}`,
      host: 'host-a',
      from: T0,
      to: T1,
      createdAt: T1,
      sections: [
        {
          title: 'Summary',
          rows: [
            { name: 'Restarts', value: '3' },
            { name: 'OOM kills', value: '1' },
            { name: 'Non-zero exits', value: '4' },
            { name: 'Log lines matching rules', value: '5' },
            { name: 'Alerts fired', value: '5' },
            { name: 'Alerts resolved', value: '1' },
          ],
        },
        {
          title: 'Restarts',
          rows: [
            { name: 'web', value: '2' },
            { name: 'api', value: '1' },
          ],
        },
        { title: 'OOM kills', rows: [{ name: 'worker', value: '1' }] },
        {
          title: 'Non-zero exits',
          rows: [
            { name: 'web', value: '2 (exit 1 ×2)' },
            { name: 'api', value: '1 (exit 143 ×1)' },
            { name: 'worker', value: '1 (exit 137 ×1)' },
          ],
        },
        {
          title: 'Log lines matching rules, per container',
          rows: [
            { name: 'web', value: '4 (critical 1, warning 3)' },
            { name: 'api', value: '1 (info 1)' },
          ],
        },
        {
          title: 'Noisiest rules (matching lines)',
          rows: [
            { name: 'app-errors', value: '4' },
            { name: 'fatal', value: '1' },
            { name: 'timeouts', value: '1' },
          ],
        },
        {
          title: 'Alerts fired',
          rows: [
            { name: 'oom-killed', value: '3' },
            { name: 'crashed', value: '2' },
          ],
        },
        { title: 'Alerts resolved', rows: [{ name: 'crashed', value: '1' }] },
      ],
    });
  });

  it('starts a new period after each digest', () => {
    const digest = new DigestAccumulator('host-a', T0);
    busyDay(digest);
    digest.build(T0, T1);
    expect(digest.since).toBe(T1);
    const next = digest.build(T1, T1 + 1000);
    expect(next.sections).toEqual([
      {
        title: 'Summary',
        rows: [
          'Restarts',
          'OOM kills',
          'Non-zero exits',
          'Log lines matching rules',
          'Alerts fired',
          'Alerts resolved',
        ].map((name) => ({ name, value: '0' })),
      },
    ]);
  });

  it('keeps the ten largest of each section and says how many there were', () => {
    const digest = new DigestAccumulator('host-a', T0);
    for (let c = 1; c <= 12; c++) {
      for (let i = 0; i < c; i++) digest.event(ev(`c${String(c).padStart(2, '0')}`, { action: 'restart' }));
    }
    const restarts = digest.build(T0, T1).sections.find((s) => s.title.startsWith('Restarts'))!;
    expect(restarts.title).toBe('Restarts: top 10 of 12');
    expect(restarts.rows[0]).toEqual({ name: 'c12', value: '12' });
    expect(restarts.rows.map((r) => r.name).slice(-1)).toEqual(['c03']);
    const many = new DigestAccumulator('host-a', T0);
    for (let c = 1; c <= 12; c++) many.logMatch(`c${c}`, [{ rule: `r${c}`, severity: 'warning' }]);
    many.logMatch('c7', [{ rule: 'r7', severity: 'warning' }]);
    const sections = many.build(T0, T1).sections;
    const rules = sections.find((s) => s.title.startsWith('Noisiest'))!;
    expect(rules.title).toBe('Noisiest rules (matching lines): top 10 of 12');
    expect(rules.rows.map((r) => r.name)).toEqual(['r7', 'r1', 'r10', 'r11', 'r12', 'r2', 'r3', 'r4', 'r5', 'r6']);
  });

  it('survives a restart mid-period through snapshot and restore (as JSON)', () => {
    const before = new DigestAccumulator('host-a', T0);
    busyDay(before);
    before.event(ev('cache', { action: 'die', exitCode: 2 }));
    const stored = JSON.parse(JSON.stringify(before.snapshot()));

    const after = new DigestAccumulator('host-a', T1);
    expect(after.restore(stored)).toBe(true);
    expect(after.since).toBe(T0);
    after.event(ev('cache', { action: 'start' }));
    before.event(ev('cache', { action: 'start' }));
    const crashed = [alert('crashed{container="web"}', T0 + 1000)];
    after.alertNotification(notification('firing', 'crashed', crashed));
    before.alertNotification(notification('firing', 'crashed', crashed));
    expect(after.build(T0, T1)).toEqual(before.build(T0, T1));
  });

  it('refuses a snapshot it does not understand', () => {
    const digest = new DigestAccumulator('host-a', T0);
    busyDay(digest);
    const kept = digest.snapshot();
    expect(digest.restore({ version: 2 })).toBe(false);
    expect(digest.restore(null)).toBe(false);
    expect(digest.snapshot()).toEqual(kept);
  });
});

describe('DigestStateStore', () => {
  it('brings the counts back from the store after a restart', () => {
    const db = openStore(':memory:');
    try {
      const digest = new DigestAccumulator('host-a', T0);
      const store = new DigestStateStore(db, 'host-a', digest);
      busyDay(digest);
      db.transaction(() => store.commit())();
      store.committed();

      const restarted = new DigestAccumulator('host-a', T1);
      expect(new DigestStateStore(db, 'host-a', restarted).load()).toBe(true);
      expect(restarted.build(T0, T1)).toEqual(digest.build(T0, T1));
      expect(new DigestStateStore(db, 'host-b', new DigestAccumulator('host-b', T1)).load()).toBe(false);
    } finally {
      db.close();
    }
  });
});
