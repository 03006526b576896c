import { container, event, m, s, Timeline, toOps } from './timeline';

const rules = [
  { name: 'crashed', kind: 'event', event: 'die' },
  { name: 'oom-killed', kind: 'event', event: 'oom', severity: 'critical' },
];
const names = ['web-1', 'web-2', 'web-3', 'web-4', 'web-5'];

describe('grouping', () => {
  it('sends 5 containers dying in one burst as one message with count 5', () => {
    const t = new Timeline({ routes: toOps, rules });
    names.forEach((name, i) => t.at(s(1) + i * 40, (e) => e.event(event(container(name), 'die', { exitCode: 1 }))));
    t.until(m(1));
    expect(t.sent).toEqual([
      { at: s(1) + 4 * 40 + 100, status: 'firing', rule: 'crashed', count: 5, of: names, notifiers: ['ops'] },
    ]);
    expect(t.outputs[0]?.notification).toMatchObject({ kind: 'alerts', host: 'host-a', severity: 'warning' });
  });

  it('sends a lone OOM after groupWait only, not after the group window', () => {
    const t = new Timeline({ routes: toOps, rules });
    t.at(s(3), (e) => e.event(event(container('db'), 'oom', {})));
    t.until(s(4));
    expect(t.sent.map((x) => [x.at, x.rule, x.count])).toEqual([[s(3) + 100, 'oom-killed', 1]]);
  });

  it('sends with no wait at all when groupWait is 0', () => {
    const t = new Timeline({ routes: toOps, rules, groupWait: '0s' });
    const out = t.engine.event(event(container('db'), 'oom', {}));
    expect(out.map((o) => o.notification.count)).toEqual([1]);
  });

  it('holds later alerts of the rule until the group window after the last message, then sends them together', () => {
    const t = new Timeline({ routes: toOps, rules });
    t.at(0, (e) => e.event(event(container('web-1'), 'die', { exitCode: 1 })));
    t.at(s(5), (e) => e.event(event(container('web-2'), 'die', { exitCode: 1 })));
    t.at(s(20), (e) => e.event(event(container('web-3'), 'die', { exitCode: 2 })));
    t.at(s(31), (e) => e.event(event(container('web-4'), 'oom', {})));
    t.until(m(2));
    expect(t.sent.map((x) => [x.at, x.rule, x.count, x.of])).toEqual([
      [100, 'crashed', 1, ['web-1']],
      [s(30) + 100, 'crashed', 2, ['web-2', 'web-3']],
      [s(31) + 100, 'oom-killed', 1, ['web-4']],
    ]);
  });

  it('caps a burst at the group window after its first alert', () => {
    const t = new Timeline({ routes: toOps, rules, groupWait: '10s', groupWindow: '30s' });
    for (let i = 0; i < 8; i++) t.at(i * s(5), (e) => e.event(event(container(`w${i}`), 'die', { exitCode: 1 })));
    t.until(m(3));
    expect(t.sent.map((x) => [x.at, x.count])).toEqual([
      [s(30), 6],
      [s(60), 2],
    ]);
  });

  it('groups resolutions of one rule too', () => {
    const t = new Timeline({
      routes: toOps,
      rules: [{ name: 'crashed', kind: 'event', event: 'die', resolveAfter: '1m' }],
    });
    names.forEach((name, i) => t.at(i * 10, (e) => e.event(event(container(name), 'die', { exitCode: 1 }))));
    t.until(m(5));
    expect(t.sent.map((x) => [x.at, x.status, x.count])).toEqual([
      [140, 'firing', 5],
      [m(1) + 140, 'resolved', 5],
    ]);
  });

  it('lists at most maxAlertsPerNotification alerts but counts them all', () => {
    const t = new Timeline({ routes: toOps, rules }, { maxAlertsPerNotification: 2 });
    names.forEach((name) => t.at(0, (e) => e.event(event(container(name), 'die', { exitCode: 1 }))));
    t.until(s(1));
    expect(t.outputs.map((o) => [o.notification.alerts.length, o.notification.count])).toEqual([[2, 5]]);
  });
});

describe('routing', () => {
  const routes = [
    { match: { severity: 'critical' }, notifiers: ['pager', 'alertmanager'], continue: true },
    { match: { labels: { container: 'db-*' } }, notifiers: ['dba'] },
    { match: { rule: 'crash*' }, notifiers: ['dev'] },
    { notifiers: ['ops'] },
  ];

  it('sends each alert where the first matching route says, continuing where asked, the default last', () => {
    const t = new Timeline({ routes, rules, groupWait: '0s' });
    t.at(0, (e) => e.event(event(container('db-1'), 'oom', {})));
    t.at(1, (e) => e.event(event(container('web-1'), 'oom', {})));
    t.at(2, (e) => e.event(event(container('web-1'), 'die', { exitCode: 3 })));
    t.at(3, (e) => e.event(event(container('db-2'), 'die', { exitCode: 3 })));
    expect(t.sent.map((x) => [x.rule, x.of, x.notifiers])).toEqual([
      ['oom-killed', ['db-1'], ['pager', 'alertmanager', 'dba']],
      ['oom-killed', ['web-1'], ['pager', 'alertmanager', 'ops']],
      ['crashed', ['web-1'], ['dev']],
      ['crashed', ['db-2'], ['dba']],
    ]);
  });

  it('sends nothing when no route matches, and counts it', () => {
    const t = new Timeline({
      routes: [{ match: { severity: 'critical' }, notifiers: ['pager'] }],
      rules,
      groupWait: '0s',
    });
    t.at(0, (e) => e.event(event(container('web-1'), 'die', { exitCode: 3 })));
    t.until(m(1));
    expect(t.sent).toEqual([]);
    expect(t.engine.stats().unrouted).toBe(1);
    expect(t.engine.alerts().map((a) => a.state)).toEqual(['firing']);
  });
});
