import { SilenceError } from '../../../alerts/silences';
import { container, event, h, m, s, Timeline, toOps } from './timeline';

const rules = [
  { name: 'crashed', kind: 'event', event: 'die', resolveAfter: '10m' },
  { name: 'oom', kind: 'event', event: 'oom', severity: 'critical', resolveAfter: '10m' },
];
const die = (name: string) => event(container(name), 'die', { exitCode: 1 });
const T0 = Date.parse('2026-01-01T00:00:00Z');

function timeline(extra: Record<string, unknown> = {}, options = {}) {
  const t = new Timeline(
    { routes: toOps, groupWait: '0s', rules, ...extra },
    { newSilenceId: () => 'sil-1', ...options },
  );
  t.clock = T0;
  return t;
}

describe('silences', () => {
  it('keeps silenced alerts from notifying, firing or resolved, while their state goes on', () => {
    const until = '2026-01-01T01:00:00Z';
    const t = timeline({ silences: [{ matchers: { container: 'batch-*' }, until, comment: 'nightly jobs' }] });
    t.at(T0, (e) => e.event(die('batch-7')));
    t.at(T0 + 1, (e) => e.event(die('web-1')));
    expect(t.engine.alerts().map((a) => [a.key, a.state])).toEqual([
      ['crashed{container="batch-7"}', 'firing'],
      ['crashed{container="web-1"}', 'firing'],
    ]);
    t.until(T0 + m(30));
    expect(t.sent.map((x) => [x.at - T0, x.status, x.of])).toEqual([
      [1, 'firing', ['web-1']],
      [m(10) + 1, 'resolved', ['web-1']],
    ]);
  });

  it('notifies an alert still firing when its silence ends', () => {
    const t = timeline({ silences: [{ matchers: { rule: 'crashed' }, until: '2026-01-01T00:05:00Z' }] });
    t.at(T0, (e) => e.event(die('web-1')));
    t.at(T0 + m(4), (e) => e.event(die('web-1')));
    t.until(T0 + m(30));
    expect(t.sent.map((x) => [x.at - T0, x.status])).toEqual([
      [m(5), 'firing'],
      [m(14), 'resolved'],
    ]);
  });

  it('does not announce the resolution of an alert silenced after it fired', () => {
    const t = timeline();
    t.at(T0, (e) => e.event(die('web-1')));
    t.at(T0 + m(1), (e) => e.silences.add({ matchers: { container: 'web-*' }, until: T0 + h(1), createdBy: 'alice' }));
    t.until(T0 + h(2));
    expect(t.sent.map((x) => [x.at - T0, x.status])).toEqual([[0, 'firing']]);
  });

  it('has nothing to do while a silence holds back a repeat that is due', () => {
    const t = timeline({ repeatInterval: '1h' });
    t.at(T0, (e) => e.event(die('web-1')));
    t.at(T0 + m(5), (e) => e.event(die('web-1')));
    t.at(T0 + m(6), (e) => e.silences.add({ matchers: { container: 'web-1' }, until: T0 + h(3), createdBy: 'alice' }));
    for (let at = T0 + m(9); at < T0 + h(2); at += m(9)) t.at(at, (e) => e.event(die('web-1')));
    t.engine.tick();
    expect(t.engine.nextDeadline()).toBeGreaterThan(t.clock);
    expect(t.sent.map((x) => [x.at - T0, x.status])).toEqual([[0, 'firing']]);
  });

  it('adds, lists and removes silences at runtime, and expires them by themselves', () => {
    const t = timeline({ silences: [{ matchers: { severity: 'critical' }, until: '2026-06-01T00:00:00Z' }] });
    const added = t.engine.silences.add({
      matchers: { container: 'web-1' },
      until: T0 + m(10),
      comment: 'deploying',
      createdBy: 'alice',
    });
    expect(added).toEqual({
      id: 'sil-1',
      matchers: { container: 'web-1' },
      until: T0 + m(10),
      comment: 'deploying',
      createdBy: 'alice',
      createdAt: T0,
      source: 'runtime',
    });
    expect(t.engine.silences.list().map((x) => [x.id, x.source])).toEqual([
      ['sil-1', 'runtime'],
      ['config-1', 'config'],
    ]);
    t.at(T0 + 1, (e) => e.event(die('web-1')));
    t.at(T0 + 2, (e) => e.event(event(container('db'), 'oom', {})));
    expect(t.sent).toEqual([]);
    expect(t.engine.silences.remove('config-1')).toBe(true);
    expect(t.engine.silences.remove('config-1')).toBe(false);
    t.until(T0 + s(1));
    expect(t.sent.map((x) => [x.at - T0, x.rule])).toEqual([[s(1), 'oom']]);
    t.until(T0 + m(10));
    expect(t.engine.silences.list()).toEqual([]);
    expect(t.sent.map((x) => [x.at - T0, x.rule])).toEqual([
      [s(1), 'oom'],
      [m(10), 'crashed'],
    ]);
  });

  it('refuses a silence without matchers or that already ended', () => {
    const t = timeline();
    const by = { createdBy: 'bob' };
    expect(() => t.engine.silences.add({ matchers: {}, until: T0 + h(1), ...by })).toThrow(SilenceError);
    expect(() => t.engine.silences.add({ matchers: { container: 'x' }, until: T0 - 1, ...by })).toThrow(
      'a silence must end in the future',
    );
  });
});

describe('maintenance windows', () => {
  it('treats an open window like a silence and notifies what still fires once it closes', () => {
    const open = (now: number) => now >= T0 + m(1) && now < T0 + m(20);
    const t = timeline({}, { isInMaintenance: open });
    t.at(T0, (e) => e.event(die('web-1')));
    t.at(T0 + m(2), (e) => e.event(die('web-2')));
    t.at(T0 + m(3), (e) => e.event(event(container('db'), 'oom', {})));
    t.at(T0 + m(15), (e) => e.event(die('web-2')));
    t.at(T0 + m(20), (e) => e.tick());
    t.until(T0 + h(1));
    expect(t.sent.map((x) => [x.at - T0, x.status, x.rule, x.of])).toEqual([
      [0, 'firing', 'crashed', ['web-1']],
      [m(20), 'firing', 'crashed', ['web-2']],
      [m(25), 'resolved', 'crashed', ['web-2']],
    ]);
  });

  it('can cover only the alerts whose labels the window names', () => {
    const t = timeline(
      {},
      { isInMaintenance: (_now: number, labels: Record<string, string>) => labels.container === 'db' },
    );
    t.at(T0, (e) => e.event(event(container('db'), 'oom', {})));
    t.at(T0, (e) => e.event(event(container('web'), 'oom', {})));
    expect(t.sent.map((x) => x.of)).toEqual([['web']]);
  });

  it('names what keeps an alert quiet, for the API and the bot: a silence id or maintenance', () => {
    const t = timeline(
      {},
      { isInMaintenance: (_now: number, labels: Record<string, string>) => labels.container === 'db' },
    );
    const silence = t.engine.silences.add({ matchers: { container: 'web' }, until: T0 + h(1), createdBy: 'bob' });
    expect(t.engine.silencedBy({ container: 'web' }, T0)).toBe(silence.id);
    expect(t.engine.silencedBy({ container: 'db' }, T0)).toBe('maintenance');
    expect(t.engine.silencedBy({ container: 'api' }, T0)).toBeUndefined();
  });
});
